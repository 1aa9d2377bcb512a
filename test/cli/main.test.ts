// The command's entry: help, version, unknown commands, and the installed bin itself.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cliPath, root, runCli } from '../support/run-cli.js';

describe('stripe-webhook-kit', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
    const run = await runCli(['--version']);
    expect(run).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('--help lists the three commands', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['trigger <event-type>', 'replay <events.jsonl>', 'sign <payload-file>']) expect(run.stdout).toContain(command);
  });

  it.each([
    ['trigger', 'Usage: stripe-webhook-kit trigger <event-type> --forward-to <url>'],
    ['replay', 'Usage: stripe-webhook-kit replay <events.jsonl> --forward-to <url>'],
    ['sign', 'Usage: stripe-webhook-kit sign <payload-file>'],
  ])('%s --help prints that command\'s usage, even when the rest of the line is wrong', async (command, usage) => {
    const run = await runCli([command, '--no-such-flag', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith(usage)).toBe(true);
    const viaHelp = await runCli(['help', command]);
    expect(viaHelp.stdout).toBe(run.stdout);
  });

  it('refuses an unknown command with exit code 2 and a suggestion', async () => {
    const run = await runCli(['replya', 'events.jsonl']);
    expect(run).toEqual({ code: 2, stdout: '', stderr: 'error: unknown command "replya"; did you mean "replay"? (see: stripe-webhook-kit --help)\n' });
  });

  it('without a command, prints the help to stderr and exits 2', async () => {
    const run = await runCli([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage: stripe-webhook-kit <command>');
    expect(run.stdout).toBe('');
  });

  it('is an executable file with a shebang, as npm links it', async () => {
    expect((await readFile(cliPath, 'utf8')).startsWith('#!/usr/bin/env node\n')).toBe(true);
    const { stdout } = await promisify(execFile)(cliPath, ['--version']);
    expect(stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});
