"""The whole schema: the core models and every feature's own tables, for Alembic and the app.

A feature with tables adds its models module here; the core models never import a feature.
"""
from __future__ import annotations

from workshop import models
from workshop.campaigns import models as campaign_models  # noqa: F401
from workshop.feedback import models as feedback_models  # noqa: F401
from workshop.flipchart import models as flipchart_models  # noqa: F401
from workshop.grouping import models as grouping_models  # noqa: F401
from workshop.qa import models as qa_models  # noqa: F401
from workshop.registration import models as registration_models  # noqa: F401
from workshop.results import models as results_models  # noqa: F401
from workshop.reuse import models as reuse_models  # noqa: F401
from workshop.team import models as team_models  # noqa: F401
from workshop.themes import models as theme_models  # noqa: F401
from workshop.timer import models as timer_models  # noqa: F401

metadata = models.Base.metadata
