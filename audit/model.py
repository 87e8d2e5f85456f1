"""The domain's vocabulary: StrEnums whose values are what files and the database store."""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    """Severity of a finding when a control is not met."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Tier(StrEnum):
    """Inherent risk tier of a vendor, before any control is considered."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """0 for the lowest tier, 3 for the highest; used to apply floors."""
        return _TIER_ORDER.index(self)


class Rating(StrEnum):
    """Residual risk rating of an audit: what is left once controls are scored."""

    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for the best rating, 3 for the worst; used to apply caps."""
        return _RATING_ORDER.index(self)


_RATING_ORDER = (Rating.LOW, Rating.MODERATE, Rating.HIGH, Rating.CRITICAL)
_TIER_ORDER = (Tier.LOW, Tier.MEDIUM, Tier.HIGH, Tier.CRITICAL)


class AnswerType(StrEnum):
    """How a control is answered; each has a scorer in `audit.content.answers`."""

    YES_NO = "yes_no"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    NUMBER = "number"
    PERCENT = "percent"
    DATE = "date"
    TEXT = "text"


class Respondent(StrEnum):
    """Who answers a control: the vendor about itself, or the client's assessor (what only the
    client can establish, such as the clauses of the executed contract)."""

    VENDOR = "vendor"
    ASSESSOR = "assessor"


class SubmissionStatus(StrEnum):
    """A submission is a draft until its author marks it final; only final ones are assessed."""

    DRAFT = "draft"
    FINAL = "final"


class Service(StrEnum):
    PAYROLL = "payroll"
    ACCOUNTING = "accounting"
    HR_ADMIN = "hr_admin"
    IT_SERVICES = "it_services"
    CUSTOMER_SERVICE = "customer_service"
    SALES = "sales"
    MARKETING = "marketing"
    DOCUMENT_MANAGEMENT = "document_management"
    DATA_ENTRY = "data_entry"
    LEGAL = "legal"
    RESEARCH = "research"
    ANALYTICS = "analytics"
    PROCUREMENT = "procurement"
    LOGISTICS = "logistics"


class Delivery(StrEnum):
    ONSHORE = "onshore"
    NEARSHORE = "nearshore"
    OFFSHORE = "offshore"


class DataCategory(StrEnum):
    NONE = "none"
    INTERNAL = "internal"
    PERSONAL = "personal"
    SENSITIVE_PERSONAL = "sensitive_personal"
    FINANCIAL = "financial"
    PAYMENT_CARD = "payment_card"
    HEALTH = "health"


class Access(StrEnum):
    NONE = "none"
    APPLICATION = "application"
    NETWORK = "network"
    PRIVILEGED = "privileged"
    PHYSICAL = "physical"


class Criticality(StrEnum):
    CRITICAL = "critical"
    IMPORTANT = "important"
    STANDARD = "standard"


class ContractType(StrEnum):
    FIXED_PRICE = "fixed_price"
    TIME_AND_MATERIALS = "time_and_materials"


class Regime(StrEnum):
    """A body of rules the auditing organisation itself is subject to. Controls and citations
    bound to a regime apply only to an organisation that declares it (audit.toml
    `[organisation] regimes`)."""

    DORA = "dora"  # EU financial entity under Regulation (EU) 2022/2554
    EBA = "eba"  # institution, payment or e-money institution under EBA/GL/2019/02
    GDPR = "gdpr"  # controller established in, or targeting, the EU/EEA
    UK_GDPR = "uk_gdpr"  # controller under the UK GDPR and Data Protection Act 2018
    HIPAA = "hipaa"  # US covered entity, or a business associate passing work on
    PCI_DSS = "pci_dss"  # merchant or service provider bound to PCI DSS by the card brands
    SOX = "sox"  # issuer whose internal control over financial reporting is attested (SOX 404)
