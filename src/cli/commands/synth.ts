import { join, relative, resolve } from 'node:path';
import { GateCache } from '../../checks/gate-cache';
import { runChecks } from '../../checks/run';
import { dropUnreferencedAssets, linkPreviousAssets } from '../asset-reuse';
import { replaceDirectoryAsync } from '../atomic-dir';
import {
  CONFIG_OPTIONS,
  type Command,
  type CommandIo,
  defaultConfigPath,
  parseOptions,
  progress,
} from '../command';
import { jsonFailure, namingSource } from '../config-errors';
import { buildFromModel, loadModel } from '../platform';
import { renderTable } from '../table';
import { SUMMARY_HEADERS, summaryRows } from './check';

const USAGE = `fastish synth [--config <file>] [--out <dir>] [--json] [--no-cache]

Synthesizes every environment's stacks offline (no credentials, no network) into a cloud assembly,
runs the gates, and prints one line per stack. Deploy the assembly with \`cdk deploy --app <dir>\`.

  -c, --config <file>  config file (default: $FASTISH_CONFIG or fastish.yaml)
  -o, --out <dir>      cloud assembly directory (default: cdk.out)
      --json           machine-readable summary on stdout
      --no-cache       run every gate on every stack (by default a stack whose template, metadata
                       and gate code are unchanged reuses its earlier findings, kept in
                       node_modules/.cache/fastish or $FASTISH_CACHE_DIR)`;

export const synthCommand: Command = {
  summary: 'Synthesize the platform into a cloud assembly (offline) with a summary per stack',
  usage: USAGE,
  async run(args, io) {
    const { values } = parseOptions(args, {
      ...CONFIG_OPTIONS,
      out: { type: 'string', short: 'o' },
      'no-cache': { type: 'boolean', default: false },
    });
    const path = values.config ?? defaultConfigPath();
    try {
      return await synth(path, values, io);
    } catch (err) {
      if (!values.json) throw namingSource(path, err);
      const failure = jsonFailure(path, err);
      io.out(failure.json);
      return failure.code;
    }
  },
};

async function synth(
  path: string,
  values: { out?: string | undefined; json?: boolean | undefined; 'no-cache'?: boolean | undefined },
  io: CommandIo,
): Promise<number> {
  const step = progress(io);
  step(`validating ${path}`);
  const model = loadModel(path);
  const outdir = resolve(values.out ?? 'cdk.out');
  step('building stacks');
  // Written beside the target, then swapped in whole: a failed synth leaves the old assembly as it was.
  const report = await replaceDirectoryAsync(outdir, async (staging) => {
    const linked = linkPreviousAssets(outdir, staging);
    const built = await runChecks(buildFromModel(model, { outdir: staging }), {
      onProgress: step,
      ...(values['no-cache'] ? {} : { cache: GateCache.default() }),
    });
    dropUnreferencedAssets(staging, linked);
    const moved = (file: string) => join(outdir, relative(staging, file));
    return {
      ...built,
      outdir,
      stacks: built.stacks.map((s) => ({ ...s, templateFile: moved(s.templateFile) })),
    };
  });
  step(`wrote ${outdir}`);
  if (values.json) {
    io.out(
      `${JSON.stringify({ ok: true, source: path, outdir, stacks: report.stacks, blocking: report.blocking }, undefined, 2)}\n`,
    );
    return 0;
  }
  io.out(`${renderTable(SUMMARY_HEADERS, summaryRows(report))}\n\n`);
  io.out(
    `${report.stacks.length} stacks synthesized to ${outdir}; ${report.blocking} unacknowledged finding${report.blocking === 1 ? '' : 's'}${report.blocking > 0 ? ' (run `fastish check` for details)' : ''}\n`,
  );
  return 0;
}
