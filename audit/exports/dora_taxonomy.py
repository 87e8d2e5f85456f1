"""The EBA DORA 4.0 taxonomy as the register of information's package needs it (pure data):
each template's file, columns, primary key, references to other templates, the columns the EBA
validation rules require, and the closed lists of codes.

Sources (read for this module; see `audit.exports.dora_roi` for the package rules):
- The taxonomy's table definitions, `www.eba.europa.eu/eu/fr/xbrl/crr/fws/dora/4.0/tab/b_XX.YY/
  b_XX.YY.json` and the module `.../dora/4.0/mod/dora.json` (as mirrored in the public cache
  amanaconsulting/xbrlcache, commits 73ccd3d, 526a4ae, f897a4a): file names, column codes,
  column types, `tc:keys.primary` and the 22 `tc:keys.reference` constraints R1 to R22, and the
  allowed members of every enumerated column.
- EBA validation rules (2025-03-20 release, in the taxonomy's `val/vr-*.xml`): the LEI pattern
  rules (v8826_m, v8890_m to v8892_m), v22912_m (a subsequent arrangement names its overarching
  one), v8866_m (the annual expense of every arrangement), and the row-mandatory rules v8850_m
  to v8889_m, whose columns are listed in MANDATORY. Rules the EBA deactivated in March 2025
  (v8816_m, v8817_m, v8821_m) are not applied as EBA rules.
- Labels of the closed lists: the EBA's "List of possible values for all data fields with drop
  downs" (3 March 2025).
- Commission Implementing Regulation (EU) 2024/2956, Annex I (the templates) and Art. 1 to 3
  (direct provider of rank 1, subcontractors of rank 2 and below).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Template:
    id: str  # B_02.02, as filing indicators write it
    title: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    dates: tuple[str, ...] = ()
    integers: tuple[str, ...] = ()
    amounts: tuple[str, ...] = ()
    booleans: tuple[str, ...] = ()

    @property
    def file(self) -> str:
        return f"{self.id.lower()}.csv"


def _c(*numbers: int) -> tuple[str, ...]:
    return tuple(f"c{n:04d}" for n in numbers)


TEMPLATES: dict[str, Template] = {
    t.id: t
    for t in (
        Template(
            "B_01.01",
            "Entity maintaining the register of information",
            _c(10, 20, 30, 40, 50, 60),
            _c(10),
            dates=_c(60),
        ),
        Template(
            "B_01.02",
            "List of entities within the scope of the register of information",
            _c(10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110),
            _c(10),
            dates=_c(70, 80, 90),
            amounts=_c(110),
        ),
        Template("B_01.03", "List of branches", _c(10, 20, 30, 40), _c(10, 20)),
        Template(
            "B_02.01",
            "Contractual arrangements - general information",
            _c(10, 20, 30, 40, 50),
            _c(10),
            amounts=_c(50),
        ),
        Template(
            "B_02.02",
            "Contractual arrangements - specific information",
            _c(10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160, 170, 180),
            _c(10, 20, 30, 50, 60, 130, 150, 160),
            dates=_c(70, 80),
            integers=_c(100, 110),
        ),
        Template(
            "B_02.03",
            "List of intra-group contractual arrangements",
            _c(10, 20, 30),
            _c(10, 20),
            booleans=_c(30),
        ),
        Template(
            "B_03.01",
            "Entities signing the contractual arrangements for receiving ICT services",
            _c(10, 20, 30),
            _c(10, 20),
            booleans=_c(30),
        ),
        Template(
            "B_03.02",
            "ICT third-party service providers signing the contractual arrangements",
            _c(10, 20, 30),
            _c(10, 20),
        ),
        Template(
            "B_03.03",
            "Entities signing the contractual arrangements for providing ICT services",
            _c(10, 20, 31),
            _c(10, 20),
            booleans=_c(31),
        ),
        Template(
            "B_04.01",
            "Entities making use of the ICT services",
            _c(10, 20, 30, 40),
            _c(10, 20, 40),
        ),
        Template(
            "B_05.01",
            "ICT third-party service providers",
            _c(10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120),
            _c(10),
            amounts=_c(100),
        ),
        Template(
            "B_05.02",
            "ICT service supply chains",
            _c(10, 20, 30, 40, 50, 60, 70),
            _c(10, 20, 30, 50, 60),
            integers=_c(50),
        ),
        Template(
            "B_06.01",
            "Functions identification",
            _c(10, 20, 30, 40, 50, 60, 70, 80, 90, 100),
            _c(10, 40),
            dates=_c(70),
            integers=_c(80, 90),
        ),
        Template(
            "B_07.01",
            "Assessment of the ICT services",
            _c(10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120),
            _c(10, 20, 40),
            dates=_c(70),
        ),
        Template(
            "B_99.01",
            "Definitions from entities making use of the ICT services",
            _c(*range(10, 200, 10)),
            (),
        ),
    )
}

# (name, from template, its columns) -> (to template, the key columns they must match)
REFERENCES: tuple[tuple[str, str, tuple[str, ...], str, tuple[str, ...]], ...] = (
    ("R1", "B_03.03", _c(20), "B_01.02", _c(10)),
    ("R2", "B_03.01", _c(20), "B_01.02", _c(10)),
    ("R3", "B_01.03", _c(20), "B_01.02", _c(10)),
    ("R4", "B_04.01", _c(20), "B_01.02", _c(10)),
    ("R5", "B_06.01", _c(40), "B_01.02", _c(10)),
    ("R6", "B_01.02", _c(60), "B_01.02", _c(10)),
    ("R7", "B_02.02", _c(50, 20), "B_06.01", _c(10, 40)),
    ("R8", "B_03.03", _c(10), "B_02.01", _c(10)),
    ("R9", "B_03.02", _c(10), "B_02.01", _c(10)),
    ("R10", "B_03.01", _c(10), "B_02.01", _c(10)),
    ("R11", "B_02.03", _c(10), "B_02.01", _c(10)),
    ("R12", "B_02.03", _c(20), "B_02.01", _c(10)),
    ("R13", "B_02.01", _c(30), "B_02.01", _c(10)),
    ("R14", "B_05.02", _c(10), "B_02.01", _c(10)),
    ("R15", "B_07.01", _c(10), "B_02.01", _c(10)),
    ("R16", "B_04.01", _c(10), "B_02.01", _c(10)),
    ("R17", "B_02.02", _c(10, 30), "B_03.02", _c(10, 20)),
    ("R18", "B_05.01", _c(110), "B_05.01", _c(10)),
    ("R19", "B_03.02", _c(20), "B_05.01", _c(10)),
    ("R20", "B_05.02", _c(30), "B_05.01", _c(10)),
    ("R21", "B_05.02", _c(60), "B_05.01", _c(10)),
    ("R22", "B_07.01", _c(20), "B_05.01", _c(10)),
)

# Columns every reported row must fill (the EBA's row-mandatory validation rules); key columns
# are always required and are not repeated here.
MANDATORY: dict[str, tuple[str, ...]] = {
    "B_01.01": _c(20, 30, 40, 50, 60),
    "B_01.02": _c(20, 30, 40, 50, 60, 70, 80, 90),
    "B_01.03": _c(30, 40),
    "B_02.01": _c(20, 40, 50),
    "B_02.02": _c(40, 70, 80),
    "B_05.01": _c(20, 50, 60, 70, 80, 110),
    "B_06.01": _c(20, 30, 50, 70, 80, 90, 100),
    "B_07.01": _c(50, 70, 80, 100, 110),
}

LEI_COLUMNS: dict[str, tuple[str, ...]] = {  # LEIs of financial entities: pattern and digits
    "B_01.01": _c(10),
    "B_01.02": _c(10, 60),
    "B_01.03": _c(20),
    "B_02.02": _c(20),
    "B_03.01": _c(20),
    "B_04.01": _c(20),
    "B_06.01": _c(40),
}

COUNTRIES = "eba_GA"
CURRENCIES = "eba_CU"
NOT_APPLICABLE_PLACE = "eba_GA:qx2007"  # only in B_02.02's three location keys

ARRANGEMENT_TYPE = {
    "standalone": "eba_CO:x1",
    "overarching": "eba_CO:x2",
    "subsequent": "eba_CO:x3",
}
TERMINATION = {
    "expired": "eba_CO:x4",
    "provider_breach": "eba_CO:x5",
    "provider_impediment": "eba_CO:x6",
    "data_security": "eba_CO:x7",
    "authority_request": "eba_CO:x8",
    "other": "eba_CO:x9",
}
ENTITY_TYPE = {
    "credit_institution": "eba_CT:x12",
    "investment_firm": "eba_CT:x599",
    "central_counterparty": "eba_CT:x643",
    "asset_management_company": "eba_CT:x639",
    "payment_institution": "eba_CT:x300",
    "account_information_service_provider": "eba_CT:x301",
    "electronic_money_institution": "eba_CT:x302",
    "crypto_asset_service_provider": "eba_CT:x303",
    "central_securities_depository": "eba_CT:x304",
    "trading_venue": "eba_CT:x305",
    "trade_repository": "eba_CT:x306",
    "alternative_investment_fund_manager": "eba_CT:x307",
    "data_reporting_service_provider": "eba_CT:x308",
    "insurance_undertaking": "eba_CT:x309",
    "issuer_of_asset_referenced_tokens": "eba_CT:x310",
    "occupational_retirement_institution": "eba_CT:x311",
    "credit_rating_agency": "eba_CT:x312",
    "critical_benchmark_administrator": "eba_CT:x313",
    "crowdfunding_service_provider": "eba_CT:x314",
    "securitisation_repository": "eba_CT:x315",
    "other_financial_entity": "eba_CT:x316",
    "insurance_intermediary": "eba_CT:x320",
    "ict_intra_group_provider": "eba_CT:x317",  # B_01.02 only
    "other_non_financial_entity": "eba_CT:x318",  # B_01.02 only
}
NON_FINANCIAL = {"eba_CT:x317", "eba_CT:x318"}
HIERARCHY = {
    "ultimate_parent": "eba_RP:x53",
    "parent": "eba_RP:x551",
    "subsidiary": "eba_RP:x56",
    "outside_group": "eba_RP:x21",
    "outsourcing": "eba_RP:x210",
}
CODE_TYPE = {
    "lei": "eba_qCO:qx2000",
    "national": "eba_qCO:qx2001",
    "euid": "eba_qCO:qx2002",
    "company_registration": "eba_qCO:qx2003",
    "vat": "eba_qCO:qx2004",
    "passport": "eba_qCO:qx2005",
}
PERSON = {"legal": "eba_CT:x212", "individual": "eba_CT:x213"}
YES_NO = {True: "eba_BT:x28", False: "eba_BT:x29"}
YES_NO_NOT_ASSESSED = {"yes": "eba_BT:x28", "no": "eba_BT:x29", "not_assessed": "eba_BT:x21"}
SENSITIVENESS = {"low": "eba_ZZ:x791", "medium": "eba_ZZ:x792", "high": "eba_ZZ:x793"}
IMPACT = SENSITIVENESS | {"not_assessed": "eba_ZZ:x799"}
RELIANCE = {
    "not_significant": "eba_ZZ:x794",
    "low": "eba_ZZ:x795",
    "material": "eba_ZZ:x796",
    "full": "eba_ZZ:x797",
}
SUBSTITUTABILITY = {
    "not_substitutable": "eba_ZZ:x959",
    "highly_complex": "eba_ZZ:x960",
    "medium": "eba_ZZ:x961",
    "easy": "eba_ZZ:x962",
}
NOT_SUBSTITUTABLE_BECAUSE = {
    "no_alternatives": "eba_ZZ:x963",
    "hard_to_migrate": "eba_ZZ:x964",
    "both": "eba_ZZ:x965",
}
REINTEGRATION = {
    "easy": "eba_ZZ:x798",
    "difficult": "eba_ZZ:x966",
    "highly_complex": "eba_ZZ:x967",
    "not_applicable": "eba_ZZ:x0",
}
BRANCH, NOT_BRANCH = "eba_ZZ:x838", "eba_ZZ:x839"
SERVICE_TYPES = {
    "S01": "ICT project management",
    "S02": "ICT development",
    "S03": "ICT help desk and first level support",
    "S04": "ICT security management services",
    "S05": "Provision of data",
    "S06": "Data analysis",
    "S07": "ICT, facilities and hosting services (excluding cloud services)",
    "S08": "Computation",
    "S09": "Non-cloud data storage",
    "S10": "Telecom carrier",
    "S11": "Network infrastructure",
    "S12": "Hardware and physical devices",
    "S13": "Software licencing (excluding SaaS)",
    "S14": "ICT operation management (including maintenance)",
    "S15": "ICT consulting",
    "S16": "ICT risk management",
    "S17": "Cloud services: IaaS",
    "S18": "Cloud services: PaaS",
    "S19": "Cloud services: SaaS",
}
LICENSED_ACTIVITIES = frozenset(
    ["qx277", "qx278", "x28", "x104", "x133", "x134", *(f"x{n}" for n in range(136, 142))]
    + ["x143", "x144", "x146", "x147", *(f"x{n}" for n in range(162, 277))]
)

# The closed list of each enumerated column, as the prefix of its codes or the codes themselves.
ENUMERATED: dict[tuple[str, str], frozenset[str] | str] = {
    ("B_01.01", "c0030"): COUNTRIES,
    ("B_01.01", "c0040"): frozenset(ENTITY_TYPE.values()) - NON_FINANCIAL,
    ("B_01.02", "c0030"): COUNTRIES,
    ("B_01.02", "c0040"): frozenset(ENTITY_TYPE.values()),
    ("B_01.02", "c0050"): frozenset(HIERARCHY.values()),
    ("B_01.02", "c0100"): CURRENCIES,
    ("B_01.03", "c0040"): COUNTRIES,
    ("B_02.01", "c0020"): frozenset(ARRANGEMENT_TYPE.values()),
    ("B_02.01", "c0040"): CURRENCIES,
    ("B_02.02", "c0040"): frozenset(CODE_TYPE.values()),
    ("B_02.02", "c0060"): frozenset(f"eba_TA:{s}" for s in SERVICE_TYPES),
    ("B_02.02", "c0090"): frozenset(TERMINATION.values()),
    ("B_02.02", "c0120"): COUNTRIES,
    ("B_02.02", "c0130"): COUNTRIES,
    ("B_02.02", "c0140"): frozenset(YES_NO.values()),
    ("B_02.02", "c0150"): COUNTRIES,
    ("B_02.02", "c0160"): COUNTRIES,
    ("B_02.02", "c0170"): frozenset(SENSITIVENESS.values()),
    ("B_02.02", "c0180"): frozenset(RELIANCE.values()),
    ("B_03.02", "c0030"): frozenset(CODE_TYPE.values()),
    ("B_04.01", "c0030"): frozenset({BRANCH, NOT_BRANCH}),
    ("B_05.01", "c0020"): frozenset(CODE_TYPE.values()),
    ("B_05.01", "c0040"): frozenset(CODE_TYPE.values()),
    ("B_05.01", "c0070"): frozenset(PERSON.values()),
    ("B_05.01", "c0080"): COUNTRIES,
    ("B_05.01", "c0090"): CURRENCIES,
    ("B_05.01", "c0120"): frozenset(CODE_TYPE.values()),
    ("B_05.02", "c0020"): frozenset(f"eba_TA:{s}" for s in SERVICE_TYPES),
    ("B_05.02", "c0040"): frozenset(CODE_TYPE.values()),
    ("B_05.02", "c0070"): frozenset(CODE_TYPE.values()),
    ("B_06.01", "c0020"): frozenset(f"eba_TA:{a}" for a in LICENSED_ACTIVITIES),
    ("B_06.01", "c0050"): frozenset(YES_NO_NOT_ASSESSED.values()),
    ("B_06.01", "c0100"): frozenset(IMPACT.values()),
    ("B_07.01", "c0030"): frozenset(CODE_TYPE.values()),
    ("B_07.01", "c0040"): frozenset(f"eba_TA:{s}" for s in SERVICE_TYPES),
    ("B_07.01", "c0050"): frozenset(SUBSTITUTABILITY.values()),
    ("B_07.01", "c0060"): frozenset(NOT_SUBSTITUTABLE_BECAUSE.values()),
    ("B_07.01", "c0080"): frozenset(YES_NO.values()),
    ("B_07.01", "c0090"): frozenset(REINTEGRATION.values()),
    ("B_07.01", "c0100"): frozenset(IMPACT.values()),
    ("B_07.01", "c0110"): frozenset(YES_NO_NOT_ASSESSED.values()),
}

# B_99.01: each column is the entity's own definition of one value of a scale.
DEFINITION_TERMS = (
    "arrangement.standalone",
    "arrangement.overarching",
    "arrangement.subsequent",
    "sensitiveness.low",
    "sensitiveness.medium",
    "sensitiveness.high",
    "function_impact.low",
    "function_impact.medium",
    "function_impact.high",
    "substitutability.not_substitutable",
    "substitutability.highly_complex",
    "substitutability.medium",
    "substitutability.easy",
    "reintegration.easy",
    "reintegration.difficult",
    "reintegration.highly_complex",
    "service_impact.low",
    "service_impact.medium",
    "service_impact.high",
)
