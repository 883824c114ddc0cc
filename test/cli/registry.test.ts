import { describe, expect, it } from 'vitest';
import { loadCommand } from '../../src/cli/command';
import { COMMANDS } from '../../src/cli/commands';
import { main } from '../../src/cli/main';

describe('the command registry', () => {
  it('lists each command with its own summary (the registry loads commands lazily)', async () => {
    for (const [name, entry] of Object.entries(COMMANDS)) {
      const command = await loadCommand(entry);
      expect(entry.summary, name).toBe(command.summary);
      expect(typeof command.run, name).toBe('function');
    }
  });

  it('answers --help without loading any command', async () => {
    const loaded: string[] = [];
    const spied = Object.fromEntries(
      Object.entries(COMMANDS).map(([name, entry]) => [
        name,
        {
          summary: entry.summary,
          load: async () => {
            loaded.push(name);
            return loadCommand(entry);
          },
        },
      ]),
    );
    const out: string[] = [];
    expect(await main(['--help'], { out: (t) => void out.push(t), err: () => {} }, spied)).toBe(0);
    expect(out.join('')).toContain('rehearse');
    expect(loaded).toEqual([]);
    expect(await main(['validate', '--help'], { out: () => {}, err: () => {} }, spied)).toBe(0);
    expect(loaded).toEqual(['validate']);
  });
});
