import type { ChangeKind, PlanReport, StackPlan } from './diff';

/** Renders rows as a left-aligned text table (no colour: output is also read in CI logs). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const SYMBOL: Record<ChangeKind, string> = {
  create: '+ create',
  modify: '~ modify',
  replace: '! REPLACE',
  'may-replace': '! MAY REPLACE',
  delete: '- DELETE',
  orphan: '- orphan',
  import: '< import',
};

function truncate(s: string, max = 70): string {
  const flat = s.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function renderStack(stack: StackPlan): string {
  const out: string[] = [];
  const title = `Stack ${stack.id} (${stack.stackName}, ${stack.environment})`;
  const copies =
    stack.copies.length > 0 ? ` (also ${stack.copies.join(', ')}, the same stack: listed once)` : '';
  if (stack.status === 'unchanged') return `${title}: no changes${copies}`;
  out.push(`${title}${stack.status === 'new' ? ': NEW STACK' : ''}${copies}`);
  if (stack.status === 'removed') {
    out.push(
      '  Removed from the assembly. Deploys never delete stacks: delete it yourself once its data is safe.',
    );
  }
  if (stack.resources.length > 0) {
    out.push(
      table(
        ['Change', 'Logical id', 'Type', 'Stateful', 'Details'],
        stack.resources.map((r) => [
          SYMBOL[r.kind],
          r.logicalId,
          r.type,
          r.stateful ? 'yes' : '',
          truncate(
            r.renamedTo
              ? `renamed to ${r.renamedTo}?`
              : r.replacingProperties.length > 0
                ? `replaced by: ${r.replacingProperties.join(', ')}`
                : r.changedProperties.join(', '),
          ),
        ]),
      )
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
  }
  if (stack.iam.statements.length > 0 || stack.iam.managedPolicies.length > 0) {
    out.push(`  IAM changes${stack.iam.broadened ? ' (permissions BROADENED)' : ''}:`);
    if (stack.iam.statements.length > 0) {
      out.push(
        table(
          ['', 'Effect', 'Action', 'Resource', 'Principal', 'Condition'],
          stack.iam.statements.map((s) => [
            s.change === 'added' ? '+' : '-',
            s.effect,
            truncate(s.actions, 50),
            truncate(s.resources, 60),
            truncate(s.principals, 40),
            truncate(s.condition, 40),
          ]),
        )
          .split('\n')
          .map((l) => `    ${l}`)
          .join('\n'),
      );
    }
    for (const p of stack.iam.managedPolicies) {
      out.push(`    ${p.change === 'added' ? '+' : '-'} managed policy ${p.policy} on ${p.identity}`);
    }
  }
  if (stack.securityGroups.length > 0) {
    out.push('  Security group changes:');
    out.push(
      table(
        ['', 'Direction', 'Group', 'Protocol', 'Peer'],
        stack.securityGroups.map((r) => [
          r.change === 'added' ? '+' : '-',
          r.direction,
          r.group,
          r.protocol,
          r.peer,
        ]),
      )
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n'),
    );
  }
  if (stack.otherChanges > 0)
    out.push(`  ${stack.otherChanges} other template change(s) (outputs, parameters, ...)`);
  return out.join('\n');
}

/** The human-readable plan: per-stack tables, then a summary and the stateful-resource warning. */
export function renderPlan(report: PlanReport): string {
  const sections = report.stacks.map(renderStack);
  const c = report.counts;
  sections.push(
    `Summary: ${c.create} to create, ${c.modify} to modify, ${c.replace + c['may-replace']} to replace ` +
      `(${c['may-replace']} conditionally), ${c.delete} to delete, ${c.orphan} to orphan`,
  );
  if (report.hazards.length > 0) {
    const bar = '!'.repeat(78);
    const lines = [
      bar,
      `!! ${report.hazards.length} STATEFUL RESOURCE(S) WOULD BE REPLACED, DELETED OR ORPHANED — DATA LOSS RISK`,
      ...report.hazards.map(
        (h) =>
          `!!   ${h.kind.toUpperCase()} ${h.stack} ${h.logicalId} (${h.type})${h.path ? ` at ${h.path}` : ''}` +
          `${h.replacingProperties.length > 0 ? ` — caused by ${h.replacingProperties.join(', ')}` : ''}` +
          `${h.renamedTo ? ` — renamed to ${h.renamedTo}: the app would use a new, empty resource` : ''}; ${h.reason}`,
      ),
      report.allowReplace
        ? '!! Allowed by --allow-replace. Back the data up before deploying.'
        : '!! Blocked. Keep logical ids and replacing properties stable (a renamed construct can keep its old ' +
          'id with overrideLogicalId), or re-run with --allow-replace.',
      bar,
    ];
    sections.push(lines.join('\n'));
  }
  return `${sections.join('\n\n')}\n`;
}

/** The machine-readable plan (`--json`). */
export function planJson(report: PlanReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
