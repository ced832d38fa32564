"""The floor: Flask on planbot's server settings, checking the HMAC and nothing else."""

from __future__ import annotations

import os

from flask import Flask, Response, jsonify, request

from bot.intake.signature import InvalidSignature, verify


def create_app() -> Flask:
    secret = os.environ["WEBHOOK_SECRET"]
    app = Flask(__name__)

    @app.post("/webhook")
    def webhook() -> Response:
        try:
            verify(secret, request.get_data(), request.headers.get("X-Hub-Signature-256"))
        except InvalidSignature:
            response = jsonify(status="error")
            response.status_code = 401
            return response
        return jsonify(status="ok")

    return app
