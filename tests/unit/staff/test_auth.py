"""Staff login over real HTTP: sessions, roles, CSRF, lock-out, logout, disabled accounts, audit."""

from __future__ import annotations

import httpx

from gateway.staff.accounts import ACCOUNT_FAILURES
from tests.unit.staff.conftest import PASSWORD, csrf_of, login


def test_pages_redirect_to_login_and_api_gets_401(client):
    page = client.get("/staff/admin/accounts")
    assert page.status_code == 303
    assert page.headers["location"].startswith("/staff/login?next=%2Fstaff%2Fadmin%2Faccounts")
    api = client.get("/staff/admin/accounts", headers={"accept": "application/json"})
    assert api.status_code == 401


def test_login_sets_a_protected_cookie_and_opens_the_home_page(gateway, client):
    gateway.store.create_user("lan", PASSWORD, "operator")
    response = login(client, "lan")
    assert response.status_code == 303 and response.headers["location"] == "/staff"
    cookie = response.headers["set-cookie"]
    assert "ocop_staff=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # the public base URL is not https here
    home = client.get("/staff")
    assert home.status_code == 200 and "Xin chào, lan" in home.text
    # The database keeps only a hash of the session token.
    token = client.cookies["ocop_staff"]
    stored = [row[0] for row in gateway.store.db.rows("SELECT token_hash FROM staff_sessions")]
    assert stored and token not in stored


def test_login_without_the_csrf_token_is_refused(gateway, client):
    gateway.store.create_user("lan", PASSWORD, "operator")
    client.get("/staff/login")
    response = client.post("/staff/login", data={"username": "lan", "password": PASSWORD})
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert "ocop_staff" not in client.cookies


def test_wrong_password_then_lock_out_even_with_the_right_one(gateway, client):
    gateway.store.create_user("lan", PASSWORD, "operator")
    for _ in range(ACCOUNT_FAILURES):
        wrong = login(client, "lan", "sai-mat-khau-roi")
        assert wrong.status_code == 401
    assert "tạm khoá" in wrong.text
    locked = login(client, "lan")
    assert locked.status_code == 429 and "tạm khoá" in locked.text
    assert "ocop_staff" not in client.cookies


def test_roles_nest_and_a_low_role_gets_403(signed_in):
    client = signed_in("editor")
    assert client.get("/staff").status_code == 200
    assert client.get("/staff/admin/accounts").status_code == 403


def test_logout_ends_the_session_on_the_server(gateway, signed_in):
    client = signed_in("operator")
    token = client.cookies["ocop_staff"]
    home = client.get("/staff")
    logout = client.post("/staff/logout", data={"csrf_token": csrf_of(home.text)})
    assert logout.status_code == 303
    # The old cookie, replayed, no longer opens anything.
    with httpx.Client(base_url=gateway.url, cookies={"ocop_staff": token}) as replay:
        assert replay.get("/staff", headers={"accept": "text/html"}).status_code == 303


def test_a_post_without_csrf_changes_nothing(gateway, signed_in):
    client = signed_in("admin")
    response = client.post("/staff/admin/accounts", data={"username": "moi", "password": PASSWORD, "role": "admin"})
    assert response.status_code == 403
    assert [u.username for u in gateway.store.users()] == ["can-bo-admin"]


def test_admin_creates_disables_and_resets_with_an_audit_trail(gateway, signed_in):
    client = signed_in("admin", "quan-tri")
    csrf = csrf_of(client.get("/staff/admin/accounts").text)
    created = client.post(
        "/staff/admin/accounts", data={"csrf_token": csrf, "username": "Hoa", "password": PASSWORD, "role": "editor"}
    )
    assert created.status_code == 303
    page = client.get(created.headers["location"])
    assert "Đã tạo tài khoản hoa" in page.text
    hoa = next(u for u in gateway.store.users() if u.username == "hoa")
    with httpx.Client(base_url=gateway.url, headers={"accept": "text/html"}) as other:
        assert login(other, "hoa").status_code == 303
        assert client.post(f"/staff/admin/accounts/{hoa.id}/disable", data={"csrf_token": csrf}).status_code == 303
        assert other.get("/staff").status_code == 303  # the session ended with the account
        assert login(other, "hoa").status_code == 401
    short = client.post(f"/staff/admin/accounts/{hoa.id}/password", data={"csrf_token": csrf, "password": "ngan"})
    assert short.status_code == 400 and "ít nhất 10 ký tự" in short.text
    audit = client.get("/staff/admin/audit").text
    assert "account-create" in audit and "account-disable" in audit and "quan-tri" in audit


def test_the_last_admin_cannot_lock_themself_out(gateway, signed_in):
    client = signed_in("admin")
    me = gateway.store.users()[0]
    csrf = csrf_of(client.get("/staff/admin/accounts").text)
    response = client.post(f"/staff/admin/accounts/{me.id}/role", data={"csrf_token": csrf, "role": "operator"})
    assert response.status_code == 400 and "quản trị viên cuối cùng" in response.text


def test_a_login_never_redirects_off_site(gateway, client):
    gateway.store.create_user("lan", PASSWORD, "operator")
    page = client.get("/staff/login")
    response = client.post(
        "/staff/login",
        data={"csrf_token": csrf_of(page.text), "username": "lan", "password": PASSWORD, "next": "//evil.example/x"},
    )
    assert response.headers["location"] == "/staff"
