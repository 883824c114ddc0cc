import { spawnSync } from 'node:child_process';
import {
  parseSource,
  planAssemblies,
  planBaseCache,
  planJson,
  planSides,
  renderPlan,
} from '../../release/plan';
import { synthWorkingTree } from '../../release/synth';
import { type Command, type CommandIo, defaultConfigPath, parseOptions } from '../command';

const USAGE = `fastish plan [--base <git ref | assembly dir>] [--head <assembly dir>] [--config <file>] [--json] [--allow-replace] [--no-cache]

Synthesizes both sides offline and diffs them per stack: resources to create / modify / replace /
delete / orphan, IAM statement and security-group changes. Metadata-only differences are no change.
Each stack is planned once: the release pipeline's copy of an environment's stack (same name and
environment) is named beside it. Replacing, deleting or orphaning a stateful resource (per the AWS
service specification, or kept by the template's Retain/Snapshot policy), e.g. by renaming its
logical id, fails the plan (exit 1) unless --allow-replace.

  --base <ref|dir>     git ref (synthesized with that commit's own code and config) or cloud
                       assembly dir (default: HEAD)
  --head <dir>         cloud assembly dir to compare (default: synthesize the working tree)
  -c, --config <file>  config file (default: $FASTISH_CONFIG or fastish.yaml)
  --json               machine-readable plan on stdout
  --allow-replace      report stateful replacements/deletions/orphans but exit 0
  --no-cache           synthesize a git ref even when the same tree, config and dependencies were
                       synthesized before (kept in node_modules/.cache/fastish or $FASTISH_CACHE_DIR)`;

function gitRoot(): string {
  const r = spawnSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : process.cwd();
}

/** Runs `fastish plan`: exit 0 = plan ok, 1 = blocked by stateful hazards (config errors throw). */
export async function runPlanCommand(
  args: readonly string[],
  io: CommandIo,
  options: { readonly repoRoot?: string } = {},
): Promise<number> {
  const { values } = parseOptions(args, {
    base: { type: 'string' },
    head: { type: 'string' },
    config: { type: 'string', short: 'c' },
    json: { type: 'boolean', default: false },
    'allow-replace': { type: 'boolean', default: false },
    'no-cache': { type: 'boolean', default: false },
  });
  const repoRoot = options.repoRoot ?? gitRoot();
  const ctx = {
    repoRoot,
    configPath: values.config ?? defaultConfigPath(),
    synthWorkingTree,
    progress: (line: string) => io.err(`› ${line}\n`),
    ...(values['no-cache'] ? {} : { baseCache: planBaseCache(repoRoot) }),
  };
  // The base (a git ref) synthesizes in a child process while the working tree synthesizes here.
  const { base, head } = await planSides(
    parseSource(values.base, { kind: 'git', ref: 'HEAD' }),
    values.head ? { kind: 'assembly', dir: values.head } : { kind: 'working-tree' },
    ctx,
  );
  const report = planAssemblies(base, head, { allowReplace: values['allow-replace'] ?? false });
  io.out(values.json ? planJson(report) : renderPlan(report));
  return report.blocked ? 1 : 0;
}

export const planCommand: Command = {
  summary: 'Diff two synthesized assemblies offline (create/modify/replace/delete, IAM, security groups)',
  usage: USAGE,
  run: (args, io) => runPlanCommand(args, io),
};
