"""What the register leaves out that the package cannot show (pure): a subcontractor the
vendor's own record names, missing from the supply chain of a service that supports a critical
or important function.

Commission Implementing Regulation (EU) 2024/2956 has the register list the subcontractors that
effectively underpin ICT services supporting critical or important functions (Art. 3, template
B_05.02). The vendor record's `subcontractors` are what the vendor declared to us; one of them
absent from such a service's chain is either not an ICT subcontractor (say so by leaving it out
knowingly) or a gap in the filing. Names are matched loosely: one name, in lower case and
without punctuation, begins with the other ("VoxCloud Telephony" and "VoxCloud Telephony Ltd").
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from audit.exports.dora_check import Breach
from audit.vendor import Vendor

RULE = "ITS Art. 3 supply chain"


def _plain(name: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", name.casefold()).split())


def unlisted_subcontractors(
    register: Mapping[str, list[dict[str, Any]]], vendors: Mapping[str, Vendor]
) -> list[Breach]:
    """One breach per subcontractor a vendor declared that no chain of its critical services
    names."""
    critical = {f["id"] for f in register.get("functions", []) if f.get("critical") == "yes"}
    names = {p["id"]: _plain(p.get("name") or p["id"]) for p in register.get("providers", [])}
    services: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for service in register.get("services", []):
        services[service["arrangement"]].append(service)
    links: dict[str, list[str]] = defaultdict(list)
    for link in register.get("supply_chain", []):
        links[link["arrangement"]].append(names.get(link["provider"], link["provider"]))
    found = []
    for arrangement in register.get("arrangements", []):
        vendor = vendors.get(arrangement["provider"])
        reference = arrangement["reference"]
        supports = [
            s["type"] for s in services[reference] if critical & set(s.get("functions", []))
        ]
        if vendor is None or not supports:
            continue
        chained = links[reference]
        for sub in vendor.subcontractors:
            declared = _plain(sub.name)
            if not any(c.startswith(declared) or declared.startswith(c) for c in chained):
                found.append(
                    Breach(
                        RULE,
                        f"arrangement {reference}",
                        f"{vendor.name} declares subcontractor {sub.name} ({sub.service}, "
                        f"{sub.country}), and no supply chain of its service(s) "
                        f"{', '.join(supports)} for a critical or important function names it: "
                        "add it to supply_chain with its providers row, or remove it from the "
                        "vendor's record if it no longer works on the service",
                        f"vendor {vendor.id}",
                    )
                )
    return found
