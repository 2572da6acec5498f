// `npm run build`: the addons' sources as the package ships them, in dist/native/: native/'s
// binding.gyp files and sources with the comments taken out, which keeps about 6 kB out of the
// packed size (test/package.test.ts bounds it). The commented sources are the repository's;
// native/build.mjs builds from here once the package is installed.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { withoutCComments } from "./c-comments.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const shipped = ["binding.gyp", "beneath.c", "fast/binding.gyp", "fast/fast-calls.cc"];

rmSync(join(root, "dist/native"), { recursive: true, force: true });
for (const file of shipped) {
  const text = readFileSync(join(root, "native", file), "utf8");
  const output = join(root, "dist/native", file);
  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(
    output,
    /\.cc?$/.test(file)
      ? `/* native/${file} of the witx-wasi repository, without its comments: read them there. */\n${withoutCComments(text)}`
      : text,
  );
}
