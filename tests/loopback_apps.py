"""The loopback GitHub's App registration: the manifest flow's web pages and App endpoints.

GitHub's side of https://docs.github.com/apps/sharing-github-apps/registering-a-github-app-from-a-manifest:
the "new App" page a manifest is posted to, the conversion of its one-time code into the App's
credentials, the install page, and `GET /app` / `GET /app/installations` for the App's JWT.
"""

from __future__ import annotations

import html
import json
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug.wrappers import Request, Response

from tests.loopback_routes import NOW, Call, Reply, World, route, user

LOOPBACK_APP_ID = 42  # the App every other loopback test authenticates as
REQUIRED = ("url", "hook_attributes", "redirect_url", "default_permissions", "default_events")


@dataclass
class App:
    id: int
    slug: str
    name: str
    manifest: dict[str, Any]
    pem: str
    webhook_secret: str
    installations: list[int] = field(default_factory=list)


def _pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM,
                             serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption()).decode()


def manifest_problems(manifest: Any) -> list[str]:
    """What GitHub would refuse in a posted manifest."""
    if not isinstance(manifest, dict):
        return ["manifest is not a JSON object"]
    found = [f"manifest lacks {key}" for key in REQUIRED if key not in manifest]
    hook = manifest.get("hook_attributes") or {}
    if not str(hook.get("url", "")).startswith(("http://", "https://")):
        found.append("hook_attributes.url must be a URL")
    return found


def issuer(world: World, authorization: str) -> App | None:
    """The registered App whose key signed the JWT, or None (the default loopback App)."""
    token = authorization.partition(" ")[2]
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    app: App | None = world.apps.get(int(claims.get("iss", 0) or 0))
    return app


def signature_problem(world: World, authorization: str) -> str:
    """A registered App's JWT must verify with its public key ("" when it does, or when the
    JWT is the default loopback App's, whose key the tests do not pin)."""
    app = issuer(world, authorization)
    if app is None:
        return ""
    public = serialization.load_pem_private_key(app.pem.encode(), None).public_key()
    try:
        jwt.decode(authorization.partition(" ")[2], public, algorithms=["RS256"],  # type: ignore[arg-type]
                   options={"verify_iat": False})
    except jwt.PyJWTError:
        return "A JSON web token could not be decoded"
    return ""


def app_json(world: World, app: App | None) -> dict[str, Any]:
    if app is None:
        return {"id": LOOPBACK_APP_ID, "slug": "planbot-loopback", "name": "planbot loopback",
                "owner": user("octo", "Organization"), "html_url": f"{world.root}/apps/planbot",
                "created_at": NOW, "updated_at": NOW, "permissions": {}, "events": []}
    return {"id": app.id, "slug": app.slug, "name": app.name, "owner": user("octo"),
            "description": app.manifest.get("description", ""),
            "external_url": app.manifest["url"], "html_url": f"{world.root}/apps/{app.slug}",
            "created_at": NOW, "updated_at": NOW,
            "permissions": app.manifest["default_permissions"],
            "events": app.manifest["default_events"]}


@route("GET /app")
def get_app(c: Call) -> Reply:
    return Reply(200, app_json(c.world, issuer(c.world, c.authorization)))


@route("GET /app/installations")
def list_installations(c: Call) -> Reply:
    app = issuer(c.world, c.authorization)
    ids = app.installations if app else sorted({r.installation_id for r in c.world.repos.values()})
    return Reply(200, [{"id": i, "app_id": app.id if app else LOOPBACK_APP_ID,
                        "account": user("octo", "Organization"), "target_type": "Organization",
                        "permissions": {}, "events": [], "created_at": NOW, "updated_at": NOW}
                       for i in ids])


@route("POST /app-manifests/{code}/conversions")
def convert(c: Call, code: str) -> Reply:
    app_id = c.world.codes.pop(code, None)
    if app_id is None:
        return Reply(404, {"message": "Not Found"})
    app = c.world.apps[app_id]
    return Reply(201, {**app_json(c.world, app), "node_id": f"A_{app.id}", "client_id": "Iv1.x",
                       "client_secret": secrets.token_hex(20), "pem": app.pem,
                       "webhook_secret": app.webhook_secret})


def web_page(world: World, request: Request) -> Response | None:
    """GitHub's web pages of the flow (None: not one of them)."""
    if request.path == "/favicon.ico":  # browsers ask every host for one
        return Response("", 404)
    parts = request.path.strip("/").split("/")
    if parts[-3:] == ["settings", "apps", "new"] and request.method == "POST":
        return _new_app(world, request)
    if len(parts) == 4 and parts[0] == "apps" and parts[2:] == ["installations", "new"]:
        return _install(world, request, parts[1])
    return None


def _new_app(world: World, request: Request) -> Response:
    try:
        manifest = json.loads(request.form.get("manifest", ""))
    except ValueError:
        manifest = None
    problems = manifest_problems(manifest)
    if problems:
        world.setup_errors += problems
        return Response("Invalid GitHub App configuration: " + "; ".join(problems), 422)
    app = App(world.next_id(), f"{manifest['name']}-{len(world.apps) + 1}", manifest["name"],
              manifest, _pem(), secrets.token_hex(20))
    world.apps[app.id] = app
    code = secrets.token_hex(10)
    world.codes[code] = app.id
    back = manifest["redirect_url"] + "?" + urlencode({"code": code,
                                                       "state": request.args.get("state", "")})
    return Response(f"""<!doctype html><title>Create GitHub App</title>
<h1>Create GitHub App {html.escape(app.name)}</h1>
<p>Webhook: {html.escape(manifest["hook_attributes"]["url"])}</p>
<p>Permissions: {html.escape(json.dumps(manifest["default_permissions"]))}</p>
<a id="create" href="{html.escape(back)}">Create GitHub App for octo</a>""",
                    content_type="text/html")


def _install(world: World, request: Request, slug: str) -> Response:
    app = next((a for a in world.apps.values() if a.slug == slug), None)
    if app is None:
        return Response("no such App", 404)
    if request.method == "POST":
        installation = world.next_id()
        app.installations.append(installation)
        back = app.manifest.get("setup_url") or app.manifest["url"]
        query = urlencode({"installation_id": installation, "setup_action": "install"})
        return Response("", 302, headers={"Location": f"{back}?{query}"})
    return Response(f"""<!doctype html><title>Install {html.escape(app.name)}</title>
<form method="post"><button id="install" type="submit">Install</button></form>""",
                    content_type="text/html")

