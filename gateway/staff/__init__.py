"""The hotline staff workspace on the gateway: accounts and access, review, dashboard.

`install(app, database, settings)` puts the account store on `app.state.staff` and adds the staff
routes; the access helpers other staff pages build on are in `gateway.staff.auth`.
"""

from __future__ import annotations

from fastapi import FastAPI

from gateway.database import Database
from gateway.settings import Settings
from gateway.staff.accounts import StaffStore


def install(app: FastAPI, database: Database, settings: Settings) -> StaffStore:
    from gateway.staff import dashboard, pages, review

    store = StaffStore(database)
    app.state.staff = store
    app.state.staff_secure_cookies = settings.public_base_url.lower().startswith("https://")
    app.include_router(pages.router)
    app.include_router(review.router)
    app.include_router(dashboard.router)
    return store
