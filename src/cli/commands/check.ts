import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GateCache } from '../../checks/gate-cache';
import { type CheckReport, runChecks } from '../../checks/run';
import { CONFIG_OPTIONS, type Command, defaultConfigPath, parseOptions, progress } from '../command';
import { jsonFailure, namingSource } from '../config-errors';
import { buildFromModel, loadModel } from '../platform';
import { renderTable } from '../table';

const USAGE = `fastish check [--config <file>] [--json] [--acknowledged]

Synthesizes the platform and runs every gate: cdk-nag (AwsSolutions, Serverless) on every stack and
the Fastish rules (names, stack names, tags, stateful resources, CloudFormation quotas, IAM
wildcards) on every template. Exit 1 on any unacknowledged finding.

  -c, --config <file>  config file (default: $FASTISH_CONFIG or fastish.yaml)
      --json           the full report (findings with acknowledgements and reasons) on stdout
      --acknowledged   also list acknowledged findings with their reasons
      --no-cache       run every gate on every stack (by default a stack whose template, metadata
                       and gate code are unchanged reuses its earlier findings, kept in
                       node_modules/.cache/fastish or $FASTISH_CACHE_DIR)`;

export const SUMMARY_HEADERS = [
  'stack',
  'resources',
  'outputs',
  'template bytes',
  'findings',
  'acknowledged',
];

export function summaryRows(report: CheckReport): (string | number)[][] {
  return report.stacks.map((s) => [
    s.stack,
    s.resources,
    s.outputs,
    s.templateBytes,
    s.findings,
    s.acknowledged,
  ]);
}

export const checkCommand: Command = {
  summary: 'Run every gate (cdk-nag, Fastish rules, template validation); exit 1 on unacknowledged findings',
  usage: USAGE,
  async run(args, io) {
    const { values } = parseOptions(args, {
      ...CONFIG_OPTIONS,
      acknowledged: { type: 'boolean', default: false },
      'no-cache': { type: 'boolean', default: false },
    });
    const step = progress(io);
    const path = values.config ?? defaultConfigPath();
    // The assembly is only for the gates: built in a temporary directory, removed before reporting.
    const outdir = mkdtempSync(join(tmpdir(), 'fastish-check-'));
    let report: CheckReport;
    try {
      step(`validating ${path}`);
      const model = loadModel(path);
      step('building stacks');
      report = await runChecks(buildFromModel(model, { outdir }), {
        onProgress: step,
        ...(values['no-cache'] ? {} : { cache: GateCache.default() }),
      });
    } catch (err) {
      if (!values.json) throw namingSource(path, err);
      const failure = jsonFailure(path, err);
      io.out(failure.json);
      return failure.code;
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
    if (values.json) {
      // No outdir or template paths: the assembly no longer exists (`fastish synth` keeps one).
      const { outdir: _gone, ...kept } = report;
      const stacks = report.stacks.map(({ templateFile: _file, ...s }) => s);
      io.out(
        `${JSON.stringify({ ok: report.blocking === 0, source: path, ...kept, stacks }, undefined, 2)}\n`,
      );
      return report.blocking > 0 ? 1 : 0;
    }
    io.out(`${renderTable(SUMMARY_HEADERS, summaryRows(report))}\n`);
    const shown = report.findings.filter(
      (f) =>
        f.blocking ||
        (!f.acknowledged && f.severity === 'warning') ||
        (values.acknowledged && f.acknowledged),
    );
    if (shown.length > 0) {
      io.out('\n');
      io.out(
        `${renderTable(
          ['status', 'stack', 'rule', 'resource', 'message'],
          shown.map((f) => [
            f.blocking ? 'FAIL' : f.acknowledged ? 'ack' : 'warn',
            f.stack,
            f.ruleId,
            f.path,
            f.acknowledged ? `${f.message} — acknowledged: ${f.acknowledged.reason}` : f.message,
          ]),
        )}\n`,
      );
    }
    const acked = report.findings.filter((f) => f.acknowledged).length;
    io.out(
      `\n${report.blocking === 0 ? 'PASS' : 'FAIL'}: ${report.blocking} unacknowledged finding${report.blocking === 1 ? '' : 's'}, ${acked} acknowledged${values.acknowledged || acked === 0 ? '' : ' (--acknowledged lists them with reasons)'}\n`,
    );
    return report.blocking > 0 ? 1 : 0;
  },
};
