// The custom resource's handler (Node.js, SDK v3 from the runtime): reads the user's password, then, as the
// master user through the RDS Data API, creates the role if absent, sets its password, and makes it owner
// of the database with every right on what the schema already holds. Delete leaves the role (the cluster's
// snapshot keeps data it owns). Identifiers are checked; the password is a quoted literal.
const https = require('node:https');
const { RDSDataClient, ExecuteStatementCommand } = require('@aws-sdk/client-rds-data');
const { SecretsManagerClient, GetSecretValueCommand } = require('@aws-sdk/client-secrets-manager');
const respond = (event, status, reason) =>
  new Promise((resolve, reject) => {
    const p = event.ResourceProperties;
    const body = JSON.stringify({
      Status: status,
      Reason: reason,
      PhysicalResourceId: `${p.User}@${p.Database}`,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
    });
    const req = https.request(
      event.ResponseURL,
      { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', resolve);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
const ident = (s) => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(s)) throw new Error(`not a PostgreSQL identifier: ${s}`);
  return s;
};
exports.handler = async (event) => {
  try {
    if (event.RequestType !== 'Delete') {
      const p = event.ResourceProperties;
      const user = ident(p.User);
      const db = ident(p.Database);
      const value = await new SecretsManagerClient({}).send(
        new GetSecretValueCommand({ SecretId: p.UserSecretArn }),
      );
      const password = JSON.parse(value.SecretString).password;
      const literal = `'${String(password).replace(/'/g, "''")}'`;
      const rds = new RDSDataClient({});
      for (const sql of [
        `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${user}') THEN CREATE ROLE ${user} LOGIN; END IF; END $$`,
        `ALTER ROLE ${user} WITH LOGIN PASSWORD ${literal}`,
        `ALTER DATABASE ${db} OWNER TO ${user}`,
        `GRANT ALL ON SCHEMA public TO ${user}`,
        `GRANT ALL ON ALL TABLES IN SCHEMA public TO ${user}`,
        `GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO ${user}`,
      ]) {
        await rds.send(
          new ExecuteStatementCommand({
            resourceArn: p.ClusterArn,
            secretArn: p.MasterSecretArn,
            database: db,
            sql,
          }),
        );
      }
    }
    await respond(event, 'SUCCESS', 'ok');
  } catch (err) {
    console.error(err);
    await respond(event, 'FAILED', String(err?.message || err).slice(0, 500));
  }
};
