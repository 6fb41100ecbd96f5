/** `tessera import FILE.ndjson` — placeholder until the import command lands. */
import { Command } from 'commander';
export function importCommand(): Command {
  return new Command('import').description('bulk import Segment-format events from NDJSON').argument('<file>');
}
