import { Command } from 'commander';
import { register as cancel } from './commands/cancel';
import { register as db } from './commands/db';
import { register as demo } from './commands/demo';
import { register as gateOpen } from './commands/gateOpen';
import { register as list } from './commands/list';
import { register as plan } from './commands/plan';
import { register as progress } from './commands/progress';
import { register as report } from './commands/report';
import { register as result } from './commands/result';
import { register as snapshot } from './commands/snapshot';
import { register as start } from './commands/start';
import { register as worker } from './commands/worker';
import { COMMAND_EXITS, exitCodesHelp } from './exitCodes';
import { endQuietlyWhenOutputCloses } from './output';

export function buildProgram(): Command {
  const program = new Command('rollout')
    .description(
      'A governed production rollout (packet step G) as a Temporal durable workflow. Nothing is written before ' +
        'people open the gate.',
    )
    .addHelpText(
      'after',
      "\nExample (an operator's day; see docs/OPERATIONS.md):\n  rollout plan --apr APR-BOOT-AUTHMODEL-1\n  " +
        'ID=$(rollout start --apr APR-BOOT-AUTHMODEL-1 | tail -n 1)\n  rollout gate-open "$ID" --by "ops on call"\n  ' +
        'rollout progress "$ID" --watch\n  rollout report "$ID" --format md\n\n' +
        `${exitCodesHelp()}\n(each command's --help lists its own; docs/OPERATIONS.md has the table)`,
    )
    .showSuggestionAfterError()
    .configureOutput({ outputError: (text, write) => write(`rollout: ${text.replace(/^error: /, '').trimEnd()}\n`) });
  for (const register of [demo, worker, plan, start, gateOpen, progress, cancel, result, report, list, db, snapshot])
    register(program);
  // Every command's --help ends with the exit codes it can end with, from the one table.
  const leaves = (c: Command): Command[] => (c.commands.length > 0 ? c.commands.flatMap(leaves) : [c]);
  for (const command of program.commands.flatMap(leaves)) {
    command.addHelpText('after', `\n${exitCodesHelp(['OK', 'ERROR', ...(COMMAND_EXITS[command.name()] ?? [])])}`);
  }
  return program;
}

export async function main(argv: string[]): Promise<void> {
  endQuietlyWhenOutputCloses();
  await buildProgram().parseAsync(argv);
}
