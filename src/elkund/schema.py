"""Every domain's tables in one metadata, for migrations and tests (an entry-point module)."""

from elkund.access import models as access
from elkund.core.db import Base
from elkund.core.jobs import models as jobs
from elkund.customers import authorised as customers_authorised  # noqa: F401 - registers the table
from elkund.customers import models as customers
from elkund.grid import models as grid
from elkund.metering import models as metering
from elkund.notify import models as notify
from elkund.parties import models as parties
from elkund.portal import fragment_store as portal_fragments  # noqa: F401 - registers the table
from elkund.portal.auth import models as portal_auth  # noqa: F401 - registers the tables
from elkund.supply import billing_models as supply_billing
from elkund.supply import disclosure_models as supply_disclosure
from elkund.supply import dunning_models as supply_dunning  # noqa: F401 - registers the tables
from elkund.supply import models as supply
from elkund.supply import notice_models as supply_notices  # noqa: F401 - registers the tables
from elkund.supply import payment_models as supply_payments  # noqa: F401 - registers the tables
from elkund.supply import regulator_models as supply_regulator  # noqa: F401 - registers the tables

metadata = Base.metadata
__all__ = [
    "access",
    "customers",
    "grid",
    "jobs",
    "metadata",
    "metering",
    "notify",
    "parties",
    "supply",
    "supply_billing",
    "supply_disclosure",
]
