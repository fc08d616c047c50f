"""Import every ORM module so ``Base.metadata`` is complete (Alembic autogenerate, tests)."""

from jieyou.accounts import models as accounts_models
from jieyou.alerts import models as alerts_models
from jieyou.analytics import models as analytics_models
from jieyou.cases import models as cases_models
from jieyou.db import Base
from jieyou.deadlines import models as deadlines_models
from jieyou.grid import models as grid_models
from jieyou.ledger import models as ledger_models
from jieyou.mediation import models as mediation_models
from jieyou.notify import models as notify_models
from jieyou.patrol import models as patrol_models
from jieyou.regions import models as regions_models
from jieyou.routing import models as routing_models

__all__ = [
    "Base",
    "accounts_models",
    "alerts_models",
    "analytics_models",
    "cases_models",
    "deadlines_models",
    "grid_models",
    "ledger_models",
    "mediation_models",
    "notify_models",
    "patrol_models",
    "regions_models",
    "routing_models",
]
