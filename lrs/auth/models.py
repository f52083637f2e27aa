"""Client credentials: the key/secret pairs LMSs, centres and registrars authenticate with."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lrs.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from lrs.centres.models import Centre


class Client(Base):
    """One credential. Its secret is kept only as a SHA-256 digest."""

    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    scopes: Mapped[list[str]] = mapped_column(JSON)
    role: Mapped[str | None] = mapped_column(String(20))
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[UTCDateTime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    # The xAPI version this client last spoke; answers to its unversioned requests use it.
    xapi_version: Mapped[str | None] = mapped_column(String(10))

    def authority(self, base_url: str, centre: Centre | None = None) -> dict[str, Any]:
        """The xAPI Agent this credential writes statements as.

        A centre's credential writes as the centre: its name, and an account on the centre's public page
        named by the credential's key, so every statement says which centre and which credential sent it.
        """
        if centre is not None:
            return {
                "objectType": "Agent",
                "name": centre.name,
                "account": {"homePage": f"{base_url}/centres/{centre.slug}", "name": self.key},
            }
        return {
            "objectType": "Agent",
            "name": self.name,
            "account": {"homePage": f"{base_url}/clients", "name": self.key},
        }
