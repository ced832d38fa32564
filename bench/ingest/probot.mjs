// Probot 14 with no-op handlers on node:http: the peer planbot's web tier is measured against.
// Run from the folder Probot is installed in (bench/ingest copies it there).
import { createServer } from "node:http";
import { generateKeyPairSync } from "node:crypto";
import { Probot, createNodeMiddleware } from "probot";

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
const probot = new Probot({
  appId: 1,
  privateKey,
  secret: process.env.WEBHOOK_SECRET,
  logLevel: process.env.LOG_LEVEL || "info",
});
const middleware = await createNodeMiddleware((app) => {
  app.on(["issues", "issue_comment"], async () => {});
}, { probot, webhooksPath: "/webhook" });
createServer((req, res) => middleware(req, res, () => {
  res.writeHead(404);
  res.end();
})).listen(Number(process.env.PORT), "127.0.0.1");
