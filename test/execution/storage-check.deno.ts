// Run by storage.test.ts under Deno: the journal and the paper exchange on
// runtimes/deno/storage.ts, reopened as after a restart. Prints one JSON line.
import { DenoStorage } from "../../runtimes/deno/storage.ts";
import { Journal } from "../../src/execution/journal.ts";

const root = Deno.args[0];
const storage = new DenoStorage(root);
const first = Journal.open(storage.openAppend("s/engine.journal"), "record");
first.journal.append("one");
first.journal.append("two");
first.journal.close();
// A torn write after the last good record, as a crash leaves it.
const raw = storage.openAppend("s/engine.journal");
raw.append(new Uint8Array([9, 0, 0, 0, 1, 2]));
raw.sync();
raw.close();
const second = Journal.open(storage.openAppend("s/engine.journal"));
second.journal.append("three");
second.journal.close();
const third = Journal.open(storage.openAppend("s/engine.journal"));
storage.write("s/meta.json", new TextEncoder().encode('{"ok":true}'));
console.log(JSON.stringify({
  records: third.records, torn: second.torn, list: storage.list("s"), meta: new TextDecoder().decode(storage.read("s/meta.json")!),
  missing: storage.read("nope"),
}));
storage.remove("s");
console.log(JSON.stringify({ after: storage.list("") }));
