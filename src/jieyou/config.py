"""Settings: the one place that reads the environment (prefix ``JIEYOU_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SQLITE_PATH = Path("var") / "jieyou.db"
PLACEHOLDER_SECRET = "dev-only-change-me"  # noqa: S105 - refused outside development


class DatabaseSettings(BaseModel):
    url: str = f"sqlite:///{DEFAULT_SQLITE_PATH}"
    echo: bool = False
    pool_size: int = 10


class ServerSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 8000
    # SQLite has one writer, so keep 1 there; on PostgreSQL run one per core (or more hosts).
    workers: int = 1
    # Largest request body accepted, in bytes (JSON API; uploads get their own limit later).
    max_body_bytes: int = 1_000_000


class ClassifierSettings(BaseModel):
    # At or above this confidence the predicted category is set and routes the case; below it
    # the case waits in the triage queue for a person.
    auto_route_threshold: float = Field(default=0.8, ge=0.0, le=1.0)
    # A model directory to use instead of the one shipped in the package.
    model_dir: str | None = None
    enabled: bool = True


class DuplicateSettings(BaseModel):
    # Open cases of the same township within this many days are compared with a new one.
    window_days: int = 30
    # Score (0–1) from which a pair is linked as a likely duplicate.
    threshold: float = Field(default=0.4, ge=0.0, le=1.0)


class WebSettings(BaseModel):
    # Staff sign-in: how long a browser session lasts, and whether its cookie is HTTPS-only
    # (set true behind TLS; false lets `make run` work on plain http://127.0.0.1).
    session_hours: float = Field(default=12.0, gt=0)
    cookie_secure: bool = False
    # Largest body for the resident's form (photos included); the JSON API keeps
    # server.max_body_bytes.
    max_form_bytes: int = 16_500_000


class StorageSettings(BaseModel):
    # Uploaded photos live here, outside the static root, under random names.
    upload_dir: str = str(Path("var") / "uploads")
    max_photo_bytes: int = 5_000_000
    max_photos: int = 3


class WebhookSettings(BaseModel):
    """One JSON webhook; each delivery is signed with HMAC-SHA256 of the raw body."""

    name: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")
    url: str = Field(pattern=r"^https?://")
    # Kept out of repr() so it never lands in a log line.
    secret: str = Field(min_length=16, repr=False)
    # The message kinds this endpoint wants (jieyou.notify.templates.MessageKind); empty = all.
    kinds: list[str] = Field(default_factory=list)


class NotifySettings(BaseModel):
    """Outbox delivery: backends, gateway, webhooks, retries (owned by the notify package).

    Nested environment variables work: ``JIEYOU_NOTIFY__SMS_URL=https://…``,
    ``JIEYOU_NOTIFY__WEBHOOKS='[{"name": "ops", "url": "https://…", "secret": "…"}]'``.
    """

    # Off: nothing is queued for the log, SMS or webhooks and the worker delivers nothing
    # (rows already queued wait). Staff's in-app inbox fills either way.
    enabled: bool = True
    # Every message also goes to the "jieyou.notify" log (the default, and all you get in dev).
    log: bool = True
    # SMS gateway: POST {phone, text} as JSON (or a form) with an optional bearer token.
    # Residents get SMS only when this is set.
    sms_url: str | None = Field(default=None, pattern=r"^https?://")
    sms_token: str | None = Field(default=None, repr=False)
    sms_format: str = Field(default="json", pattern=r"^(json|form)$")
    webhooks: list[WebhookSettings] = Field(default_factory=list)
    # Per-kind message text overriding the defaults in jieyou.notify.templates, with the
    # placeholders {number} {title} {deadline} {unit} {url} {reply}.
    templates: dict[str, str] = Field(default_factory=dict)
    # Retries: after a failure wait backoff_seconds × 2^(attempts−1), at most
    # backoff_max_seconds; after max_attempts the message is parked for a person.
    max_attempts: int = Field(default=8, ge=1)
    backoff_seconds: float = Field(default=30.0, gt=0)
    backoff_max_seconds: float = Field(default=3600.0, gt=0)
    # A claimed batch is the worker's for this long; if the worker dies, the next run sends
    # it again after the lease expires. Must cover a few request timeouts (checked below).
    lease_seconds: float = Field(default=60.0, gt=0)
    # Per connect / write / read of one request to the gateway or a webhook.
    timeout_seconds: float = Field(default=5.0, gt=0)
    # Links in messages to residents (the tracking page) start with this.
    public_base_url: str = Field(default="http://127.0.0.1:8000", pattern=r"^https?://")

    @model_validator(mode="after")
    def _coherent(self) -> NotifySettings:
        # Refused at start-up rather than in the middle of a case's transaction.
        from jieyou.notify.templates import check_kinds, check_templates

        check_templates(self.templates)
        for hook in self.webhooks:
            check_kinds(hook.kinds, where=f"notify.webhooks[{hook.name}].kinds")
        names = [hook.name for hook in self.webhooks]
        if len(names) != len(set(names)):
            raise ValueError("notify.webhooks: names must be unique")
        # Delivery stops starting requests at half the lease, and one request may take a
        # connect, a write and a read timeout: keep the lease well above that.
        if self.lease_seconds < 6 * self.timeout_seconds:
            raise ValueError("notify.lease_seconds must be at least 6 × notify.timeout_seconds")
        return self


class WorkerSettings(BaseModel):
    # How often `jieyou worker` runs the periodic jobs (deadlines, callback, early warning).
    tick_seconds: float = Field(default=60.0, gt=0)
    # How often it delivers the outbox between ticks.
    deliver_seconds: float = Field(default=5.0, gt=0)
    # Cases a tick handles per transaction (each batch commits on its own).
    batch_size: int = Field(default=200, ge=1)
    # The early-warning scan (repeat, cluster, spike) reads for seconds on a big database and
    # no rule needs minute resolution: every 5 minutes.
    scan_seconds: float = Field(default=300.0, gt=0)


class DeadlineSettings(BaseModel):
    # Warn this many working days before a resolve deadline.
    warn_working_days: int = Field(default=1, ge=0)
    # A 督办 (supervised) case gets this many working days from the escalation.
    supervision_working_days: int = Field(default=3, ge=1)
    # Days after the callback invitation before an unrated case closes as 未评价.
    rating_days: int = Field(default=7, ge=1)


class LimitSettings(BaseModel):
    """Throttling (jieyou.accounts.throttle), counted in the database across processes."""

    # Failed sign-ins within 15 minutes before the account / the address is refused.
    login_failures_per_account: int = Field(default=5, ge=1)
    login_failures_per_address: int = Field(default=20, ge=1)
    # Wrong query codes within an hour, per case number / per address.
    code_failures_per_case: int = Field(default=10, ge=1)
    code_failures_per_address: int = Field(default=30, ge=1)
    # Public submissions per address per hour and per phone number per day.
    submissions_per_address: int = Field(default=30, ge=1)
    submissions_per_phone: int = Field(default=10, ge=1)
    # API tokens expire after this many days unless created with another expiry.
    token_days: int = Field(default=90, ge=1, le=3650)


class Open311Settings(BaseModel):
    # GeoReport v2 jurisdiction_id: optional for clients (we serve one); any other value is a 404.
    jurisdiction_id: str = "chenzhou.gov.cn"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="JIEYOU_", env_nested_delimiter="__", extra="ignore"
    )

    environment: str = "development"
    secret_key: str = PLACEHOLDER_SECRET
    timezone: str = "Asia/Shanghai"
    # Shortcut for database.url; JIEYOU_DATABASE_URL is what operators set.
    database_url: str | None = None
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    classifier: ClassifierSettings = Field(default_factory=ClassifierSettings)
    duplicates: DuplicateSettings = Field(default_factory=DuplicateSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    storage: StorageSettings = Field(default_factory=StorageSettings)
    notify: NotifySettings = Field(default_factory=NotifySettings)
    worker: WorkerSettings = Field(default_factory=WorkerSettings)
    deadlines: DeadlineSettings = Field(default_factory=DeadlineSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)
    open311: Open311Settings = Field(default_factory=Open311Settings)
    # Used by the test suite only: a PostgreSQL URL to run every database test against as well.
    test_database_url: str | None = None

    @model_validator(mode="after")
    def _apply_shortcuts(self) -> Settings:
        if self.database_url:
            self.database.url = self.database_url
        if self.environment != "development" and self.secret_key == PLACEHOLDER_SECRET:
            raise ValueError("JIEYOU_SECRET_KEY must be set to a real secret outside development")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
