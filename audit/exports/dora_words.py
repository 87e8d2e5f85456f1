"""The register of information's package in words (pure data): what each template column
holds, which register field fills each column that must be filled, and the organisation's
default definitions of the scale values (template B_99.01), written for this tool."""

from __future__ import annotations

from audit.exports.dora_taxonomy import DEFINITION_TERMS, _c

DEFAULT_DEFINITIONS = {
    "arrangement.standalone": "A contract that stands on its own: no other contract governs it "
    "and none is governed by it.",
    "arrangement.overarching": "A framework agreement with a provider under which subsequent "
    "contracts, orders or statements of work are placed.",
    "arrangement.subsequent": "A contract, order or statement of work placed under an "
    "overarching agreement, whose reference it names.",
    "sensitiveness.low": "Data whose disclosure would cause little harm: internal data with no "
    "personal, financial or confidential content.",
    "sensitiveness.medium": "Personal data of customers or staff, or confidential business data, "
    "other than special categories.",
    "sensitiveness.high": "Special categories of personal data, payment card data, financial "
    "account data, or data that enables access to systems.",
    "function_impact.low": "Discontinuing the function would delay internal work without harm "
    "to customers, markets or compliance.",
    "function_impact.medium": "Discontinuing the function would harm customers or breach an "
    "obligation, and could be worked around within the recovery time objective.",
    "function_impact.high": "Discontinuing the function would stop a regulated service, harm "
    "customers materially or breach a regulatory obligation.",
    "substitutability.not_substitutable": "No other provider could deliver the service, or none "
    "could within a time the function can bear.",
    "substitutability.highly_complex": "Another provider could deliver it, but moving would take "
    "more than a year or a major programme.",
    "substitutability.medium": "Another provider could deliver it after a planned migration of "
    "some months.",
    "substitutability.easy": "Several providers offer the service and moving takes weeks, with "
    "no change to the function.",
    "reintegration.easy": "Staff and systems to run the service in-house exist; it can be taken "
    "back within the notice period.",
    "reintegration.difficult": "Taking the service back needs new staff, systems or licences, "
    "planned over months.",
    "reintegration.highly_complex": "Taking the service back is not realistic without rebuilding "
    "a capability the organisation no longer has.",
    "service_impact.low": "Losing the service would be absorbed by workarounds without effect on "
    "a critical or important function.",
    "service_impact.medium": "Losing the service would degrade a critical or important function "
    "until an alternative is in place.",
    "service_impact.high": "Losing the service would stop a critical or important function.",
}


# Where the register of information (`audit roi`) takes the value of a column from, for the
# columns that must be filled: what to give when one is empty.
_CODE = "providers.lei (or euid, or other_id with other_id_type)"
REGISTER_FIELDS: dict[tuple[str, str], str] = {
    ("B_01.01", "c0050"): "entities.competent_authority",
    ("B_01.02", "c0050"): "entities.hierarchy",
    ("B_01.02", "c0060"): "entities.parent",
    ("B_01.02", "c0070"): "entities.updated",
    ("B_01.02", "c0080"): "entities.integrated",
    ("B_01.02", "c0110"): "entities.total_assets (and a [money] rate for its currency)",
    ("B_02.01", "c0050"): "arrangements.annual_expense (and a [money] rate for its currency), "
    "or the vendor's contract annual_value when it is the vendor's only arrangement",
    ("B_02.02", "c0030"): _CODE,
    ("B_02.02", "c0040"): _CODE,
    ("B_02.02", "c0050"): "services.functions",
    ("B_02.02", "c0070"): "arrangements.start, or the vendor's contract start",
    ("B_02.02", "c0130"): "services.countries, or the vendor's countries",
    ("B_02.02", "c0150"): "services.storage_countries, or stores_data: false",
    ("B_03.02", "c0020"): _CODE,
    ("B_03.02", "c0030"): _CODE,
    ("B_05.01", "c0010"): _CODE,
    ("B_05.01", "c0020"): _CODE,
    ("B_05.01", "c0080"): "providers.headquarters",
    ("B_05.01", "c0110"): "the ultimate parent's providers row, with its code",
    ("B_05.02", "c0030"): _CODE,
    ("B_05.02", "c0060"): _CODE,
    ("B_06.01", "c0020"): "functions.licensed_activity",
    ("B_06.01", "c0070"): "functions.assessed",
    ("B_06.01", "c0080"): "functions.rto_hours",
    ("B_06.01", "c0090"): "functions.rpo_hours",
    ("B_06.01", "c0100"): "functions.impact",
    ("B_07.01", "c0020"): _CODE,
    ("B_07.01", "c0050"): "services.substitutability",
    ("B_07.01", "c0070"): "services.last_audit, or assess the vendor by the reference date",
    ("B_07.01", "c0080"): "services.exit_plan",
    ("B_07.01", "c0100"): "services.impact",
    ("B_07.01", "c0110"): "services.alternatives",
}


# What each column holds, in a few words (after the annotated table layout's labels), for the
# check's messages.
LABELS: dict[str, dict[str, str]] = {
    "B_01.01": dict(
        zip(
            _c(10, 20, 30, 40, 50, 60),
            ("LEI", "name", "country", "type of entity", "competent authority", "reporting date"),
            strict=True,
        )
    ),
    "B_01.02": dict(
        zip(
            _c(10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110),
            (
                "LEI",
                "name",
                "country",
                "type of entity",
                "hierarchy in the group",
                "LEI of the direct parent",
                "date of last update",
                "date of integration",
                "date of deletion",
                "currency",
                "total assets",
            ),
            strict=True,
        )
    ),
    "B_01.03": dict(
        zip(_c(10, 20, 30, 40), ("branch code", "head office LEI", "name", "country"), strict=True)
    ),
    "B_02.01": dict(
        zip(
            _c(10, 20, 30, 40, 50),
            ("reference", "type", "overarching reference", "currency", "annual expense"),
            strict=True,
        )
    ),
    "B_02.02": dict(
        zip(
            _c(10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160, 170, 180),
            (
                "reference",
                "LEI of the entity using the service",
                "provider code",
                "type of provider code",
                "function",
                "ICT service type",
                "start date",
                "end date",
                "reason for ending",
                "notice period of the entity",
                "notice period of the provider",
                "governing law",
                "country of provision",
                "storage of data",
                "location of data at rest",
                "location of data processing",
                "sensitiveness of the data",
                "level of reliance",
            ),
            strict=True,
        )
    ),
    "B_02.03": dict(zip(_c(10, 20, 30), ("reference", "linked reference", "link"), strict=True)),
    "B_03.01": dict(zip(_c(10, 20, 30), ("reference", "LEI of the signer", "link"), strict=True)),
    "B_03.02": dict(
        zip(_c(10, 20, 30), ("reference", "provider code", "type of provider code"), strict=True)
    ),
    "B_03.03": dict(zip(_c(10, 20, 31), ("reference", "LEI of the signer", "link"), strict=True)),
    "B_04.01": dict(
        zip(
            _c(10, 20, 30, 40),
            ("reference", "LEI of the entity using it", "branch or not", "branch code"),
            strict=True,
        )
    ),
    "B_05.01": dict(
        zip(
            _c(10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120),
            (
                "provider code",
                "type of provider code",
                "additional code",
                "type of additional code",
                "legal name",
                "name in Latin alphabet",
                "type of person",
                "headquarters country",
                "currency",
                "total annual expense",
                "ultimate parent code",
                "type of ultimate parent code",
            ),
            strict=True,
        )
    ),
    "B_05.02": dict(
        zip(
            _c(10, 20, 30, 40, 50, 60, 70),
            (
                "reference",
                "ICT service type",
                "provider code",
                "type of provider code",
                "rank",
                "recipient code",
                "type of recipient code",
            ),
            strict=True,
        )
    ),
    "B_06.01": dict(
        zip(
            _c(10, 20, 30, 40, 50, 60, 70, 80, 90, 100),
            (
                "function",
                "licensed activity",
                "function name",
                "LEI of the entity",
                "criticality",
                "reasons for criticality",
                "date of the last criticality assessment",
                "RTO",
                "RPO",
                "impact of discontinuing",
            ),
            strict=True,
        )
    ),
    "B_07.01": dict(
        zip(
            _c(10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120),
            (
                "reference",
                "provider code",
                "type of provider code",
                "ICT service type",
                "substitutability",
                "reason it is hard to substitute",
                "date of the last audit",
                "exit plan",
                "reintegration",
                "impact of discontinuing",
                "alternatives identified",
                "alternative providers",
            ),
            strict=True,
        )
    ),
    "B_99.01": {
        c: f"definition of {t}"
        for c, t in zip(_c(*range(10, 200, 10)), DEFINITION_TERMS, strict=True)
    },
}
