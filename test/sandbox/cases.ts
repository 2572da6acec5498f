/**
 * The escape cases: what each one tries (the guest, guests/escape.c, does it)
 * and the errno our host must answer. The names are the guest's; the test
 * checks that both lists agree.
 *
 * kind:
 *   escape  — the target is outside the sandbox: success is itself an escape
 *             (a read, a listing, a stat, a link's text, a change);
 *   inside  — a control that stays inside and must work, to show that the
 *             sandbox is confinement and not a blanket refusal;
 *   refusal — a malformed or odd request inside the sandbox; only the errno
 *             matters, and nothing may leak.
 */
import type { ErrnoName } from "../../src/impl/node/errno-name.js";

type CaseKind = "escape" | "inside" | "refusal";

export interface EscapeCase {
  readonly name: string;
  readonly kind: CaseKind;
  /** The call(s) the guest makes, for the SECURITY.md table (fd 3 is /sandbox). */
  readonly attempt: string;
  /** The errno our host must give (one of these when more than one is correct). */
  readonly expect: ErrnoName | readonly ErrnoName[];
  /** A `data:` / `preopen:` line the guest must print (controls that read a file). */
  readonly prints?: string;
  /** The guest prints a host path on purpose (a link's text), so that is no leak. */
  readonly printsLinkText?: boolean;
}

const C = "../outside/outside-canary.txt";

export const escapeCases: readonly EscapeCase[] = [
  // Lexical escapes and odd components.
  { name: "dotdot", kind: "escape", attempt: `open \`${C}\``, expect: "notcapable" },
  { name: "dotdot_chain", kind: "escape", attempt: "open `../../../../../../../../../../etc/passwd`", expect: "notcapable" },
  { name: "descend_then_climb", kind: "escape", attempt: "open `dir/../../outside/outside-canary.txt`", expect: "notcapable" },
  // POSIX resolves physically: `a` must exist before its `..` means anything.
  { name: "missing_then_climb", kind: "escape", attempt: "open `a/../../outside/outside-canary.txt` (no `a`)", expect: "noent" },
  { name: "deep_climb", kind: "escape", attempt: "open `dir/sub/../../../outside/outside-canary.txt`", expect: "notcapable" },
  { name: "dotdot_directory", kind: "escape", attempt: "open `..` with O_DIRECTORY, list it", expect: "notcapable" },
  { name: "absolute_system_path", kind: "escape", attempt: "open `/etc/passwd`", expect: "notcapable" },
  {
    name: "absolute_preopen_name",
    kind: "escape",
    attempt: "open `/sandbox/file.txt` (absolute, though it names the preopen)",
    expect: "notcapable",
  },
  { name: "absolute_host_path", kind: "escape", attempt: "open the canary's absolute host path", expect: "notcapable" },
  { name: "dot_components", kind: "escape", attempt: "open `./././../outside/outside-canary.txt`", expect: "notcapable" },
  { name: "double_slashes", kind: "escape", attempt: "open `dir//..//..//outside/outside-canary.txt`", expect: "notcapable" },
  { name: "double_slash_inside", kind: "inside", attempt: "open `dir//nested.txt`", expect: "success", prints: 'data: "inside-nested"' },
  { name: "dot_inside", kind: "inside", attempt: "open `./dir/./nested.txt`", expect: "success", prints: 'data: "inside-nested"' },
  // On a POSIX host a backslash is an ordinary byte of a name.
  { name: "backslash_dotdot", kind: "refusal", attempt: "open `..\\outside\\outside-canary.txt`", expect: "noent" },
  {
    name: "nul_in_path",
    kind: "refusal",
    attempt: "open `file.txt\\0/../../outside/outside-canary.txt` (length includes all)",
    expect: "inval",
  },
  { name: "nul_after_link", kind: "refusal", attempt: "open `link_up_canary\\0`", expect: "inval" },
  { name: "invalid_utf8", kind: "refusal", attempt: "open `\\xff\\xfe.txt`", expect: "ilseq" },
  { name: "empty_path", kind: "refusal", attempt: "open ``", expect: "noent" },
  { name: "trailing_slash_file", kind: "refusal", attempt: "open `file.txt/`", expect: "notdir" },
  { name: "long_path", kind: "refusal", attempt: "open `./` × 4000 + `file.txt` (8008 bytes)", expect: "nametoolong" },
  { name: "long_name", kind: "refusal", attempt: "open a 300-byte name", expect: "nametoolong" },
  { name: "long_climb", kind: "escape", attempt: `open \`dir/../\` × 500 + \`${C}\` (3529 bytes)`, expect: "notcapable" },

  // Symlinks planted by the host (fixture.ts lists them).
  { name: "link_abs_dir", kind: "escape", attempt: "open `link_etc/passwd` (link_etc → /etc)", expect: "notcapable" },
  { name: "link_abs_file", kind: "escape", attempt: "open `link_etc_passwd` (→ /etc/passwd)", expect: "notcapable" },
  { name: "link_abs_canary", kind: "escape", attempt: "open `link_abs_canary` (→ absolute canary path)", expect: "notcapable" },
  { name: "link_to_dotdot", kind: "escape", attempt: "open `link_up/outside/outside-canary.txt` (link_up → ..)", expect: "notcapable" },
  {
    name: "link_to_outside_dir",
    kind: "escape",
    attempt: "open `link_up_outside/outside-canary.txt` (→ ../outside)",
    expect: "notcapable",
  },
  { name: "link_final_outside", kind: "escape", attempt: `open \`link_up_canary\` (→ ${C})`, expect: "notcapable" },
  { name: "link_chain", kind: "escape", attempt: "open `chain1` (→ chain2 → chain3 → canary)", expect: "notcapable" },
  { name: "link_loop", kind: "refusal", attempt: "open `loop_a` (→ loop_b → loop_a)", expect: "loop" },
  { name: "link_self", kind: "refusal", attempt: "open `self` (→ self)", expect: "loop" },
  {
    name: "link_in_middle",
    kind: "inside",
    attempt: "open `link_dir/nested.txt` (link_dir → dir)",
    expect: "success",
    prints: 'data: "inside-nested"',
  },
  { name: "link_dir_then_climb", kind: "escape", attempt: "open `link_dir/../../outside/outside-canary.txt`", expect: "notcapable" },
  {
    name: "link_dir_parent_listing",
    kind: "escape",
    attempt: "open `link_dir/../..` with O_DIRECTORY (the preopen's parent), list it",
    expect: "notcapable",
  },
  {
    name: "nested_link_upup",
    kind: "escape",
    attempt: "open `dir/link_upup/outside/outside-canary.txt` (dir/link_upup → ../..)",
    expect: "notcapable",
  },
  {
    name: "nested_link_up_inside",
    kind: "inside",
    attempt: "open `dir/link_up_inside/file.txt` (→ .., still inside)",
    expect: "success",
    prints: 'data: "inside-file"',
  },
  // Leaving and coming back is still leaving: the walk would have to look outside.
  { name: "link_out_and_back", kind: "escape", attempt: "open `dir/link_out_and_back` (→ ../../sandbox/file.txt)", expect: "notcapable" },
  { name: "dangling_outside", kind: "escape", attempt: "open `dangling_out` (→ ../outside/missing.txt)", expect: "notcapable" },
  { name: "dangling_inside", kind: "refusal", attempt: "open `dangling_in` (→ missing.txt)", expect: "noent" },
  { name: "create_through_dangling_outside", kind: "escape", attempt: "open `dangling_out` with O_CREAT", expect: "notcapable" },
  // POSIX open(O_CREAT) through a dangling link creates its target; allowed
  // when the target is inside (the new file is empty), never when it is outside.
  {
    name: "create_through_dangling_inside",
    kind: "inside",
    attempt: "open `dangling_in` with O_CREAT",
    expect: "success",
    prints: 'data: ""',
  },
  { name: "create_through_linked_dir", kind: "escape", attempt: "open `link_abs_outside/created.txt` with O_CREAT", expect: "notcapable" },
  { name: "truncate_through_link", kind: "escape", attempt: "open `link_up_canary` with O_TRUNC", expect: "notcapable" },
  { name: "nofollow_final_link", kind: "refusal", attempt: "open `link_file` (→ file.txt) without SYMLINK_FOLLOW", expect: "loop" },
  {
    name: "directory_nofollow_link",
    kind: "refusal",
    attempt: "open `link_dir` with O_DIRECTORY, without SYMLINK_FOLLOW",
    expect: ["notdir", "loop"],
  },
  { name: "trailing_slash_link_to_file", kind: "refusal", attempt: "open `link_file/`", expect: "notdir" },
  { name: "listing_through_link_up", kind: "escape", attempt: "open `link_up` with O_DIRECTORY, list it", expect: "notcapable" },

  // readlink and filestat: a link's text may be read, following it may not.
  { name: "readlink_outside_target", kind: "inside", attempt: "readlink `link_abs_canary`", expect: "success", printsLinkText: true },
  { name: "readlink_through_link_dir", kind: "escape", attempt: "readlink `link_up_outside/outside-link`", expect: "notcapable" },
  { name: "readlink_dotdot", kind: "escape", attempt: "readlink `../outside/outside-link`", expect: "notcapable" },
  { name: "filestat_follow_outside", kind: "escape", attempt: "filestat_get `link_abs_canary`, SYMLINK_FOLLOW", expect: "notcapable" },
  {
    name: "filestat_nofollow_link",
    kind: "inside",
    attempt: "filestat_get `link_abs_canary`, no follow (the link itself)",
    expect: "success",
  },
  { name: "filestat_dotdot", kind: "escape", attempt: `filestat_get \`${C}\``, expect: "notcapable" },
  {
    name: "filestat_through_link_dir",
    kind: "escape",
    attempt: "filestat_get `link_up_outside/outside-canary.txt`, no follow",
    expect: "notcapable",
  },
  { name: "set_times_through_link", kind: "escape", attempt: "filestat_set_times `link_up_canary`, SYMLINK_FOLLOW", expect: "notcapable" },
  { name: "set_times_dotdot", kind: "escape", attempt: `filestat_set_times \`${C}\``, expect: "notcapable" },

  // Removing.
  // A ".." above the root is an escape before it is a bad rmdir argument (EINVAL), as for unlink.
  { name: "rmdir_dotdot", kind: "escape", attempt: "remove_directory `..`", expect: "notcapable" },
  { name: "rmdir_outside", kind: "escape", attempt: "remove_directory `../outside/outside-empty`", expect: "notcapable" },
  { name: "rmdir_through_link_dir", kind: "escape", attempt: "remove_directory `link_up_outside/outside-empty`", expect: "notcapable" },
  { name: "unlink_dotdot", kind: "escape", attempt: "unlink_file `..`", expect: "notcapable" },
  { name: "unlink_outside", kind: "escape", attempt: `unlink_file \`${C}\``, expect: "notcapable" },
  { name: "unlink_through_link_dir", kind: "escape", attempt: "unlink_file `link_abs_outside/outside-canary.txt`", expect: "notcapable" },
  {
    name: "unlink_link_itself",
    kind: "inside",
    attempt: "unlink_file `link_abs_canary` (removes the link, not the target)",
    expect: "success",
  },

  // Moving names across the boundary.
  { name: "rename_out", kind: "escape", attempt: "rename `file.txt` → `../outside/stolen.txt`", expect: "notcapable" },
  { name: "rename_in", kind: "escape", attempt: `rename \`${C}\` → \`stolen.txt\``, expect: "notcapable" },
  { name: "rename_through_link_dir", kind: "escape", attempt: "rename `file.txt` → `link_abs_outside/stolen.txt`", expect: "notcapable" },
  {
    name: "rename_link_then_follow",
    kind: "escape",
    attempt: "rename `link_abs_canary` → `renamed`, open `renamed`",
    expect: "notcapable",
  },
  { name: "hardlink_from_outside", kind: "escape", attempt: `link \`${C}\` → \`hard.txt\``, expect: "notcapable" },
  { name: "hardlink_following_link", kind: "escape", attempt: "link `link_up_canary` → `hard.txt`, SYMLINK_FOLLOW", expect: "notcapable" },
  {
    name: "hardlink_of_link_then_follow",
    kind: "escape",
    attempt: "link `link_up_canary` → `hard.txt` (no follow), open `hard.txt`",
    expect: "notcapable",
  },
  { name: "hardlink_out", kind: "escape", attempt: "link `file.txt` → `../outside/hard.txt`", expect: "notcapable" },
  // A target that is absolute or climbs above the root is refused when the link is made (as
  // wasmtime refuses absolute ones); the cases follow a link only when one was made.
  { name: "symlink_relative_escape", kind: "escape", attempt: `symlink \`mine\` → \`${C}\` (then open \`mine\`)`, expect: "notcapable" },
  { name: "symlink_absolute_escape", kind: "escape", attempt: "symlink `mine` → `/etc/passwd` (then open `mine`)", expect: "notcapable" },
  {
    name: "symlink_dotdot_traverse",
    kind: "escape",
    attempt: "symlink `up2` → `..` (then open `up2/outside/outside-canary.txt`)",
    expect: "notcapable",
  },
  { name: "symlink_absolute_root", kind: "refusal", attempt: "symlink `root` → `/`", expect: "notcapable" },
  { name: "symlink_nested_climb", kind: "refusal", attempt: "symlink `dir/up3` → `../../outside`", expect: "notcapable" },
  {
    name: "symlink_nested_inside",
    kind: "inside",
    attempt: "symlink `dir/back` → `../file.txt`, open `dir/back`",
    expect: "success",
    prints: 'data: "inside-file"',
  },
  // Inside the preopen, but above the root of the descriptor the link is made through.
  {
    name: "symlink_above_dir_fd",
    kind: "refusal",
    attempt: "open `dir` as fd D, symlink `up_from_dir` → `../file.txt` from D",
    expect: "notcapable",
  },
  { name: "symlink_placed_outside", kind: "escape", attempt: "symlink `../outside/planted` → `file.txt`", expect: "notcapable" },
  { name: "mkdir_outside", kind: "escape", attempt: "create_directory `../outside/made`", expect: "notcapable" },
  { name: "mkdir_through_link_dir", kind: "escape", attempt: "create_directory `link_abs_outside/made`", expect: "notcapable" },
  // mkdir never follows its last component, dangling or not.
  {
    name: "mkdir_on_dangling_link",
    kind: "refusal",
    attempt: "create_directory `dangling_out_dir` (→ ../outside/made-by-link)",
    expect: "exist",
  },

  // Descriptors: confinement per directory fd, rights, fds of the wrong kind.
  { name: "subdir_fd_climb", kind: "escape", attempt: "open `dir` as fd D, open `../file.txt` from D", expect: "notcapable" },
  { name: "dotdot_trick_dir_fd", kind: "escape", attempt: `open \`dir/..\` as fd D, list it, open \`${C}\` from D`, expect: "notcapable" },
  { name: "file_fd_as_dir", kind: "refusal", attempt: "open `file.txt` as fd F, open `x` from F", expect: "notdir" },
  { name: "stdout_as_dir", kind: "refusal", attempt: "open `file.txt` from fd 1", expect: "notdir" },
  { name: "closed_fd_as_dir", kind: "refusal", attempt: "open `file.txt` from fd 77 (not open)", expect: "badf" },
  // A file descriptor never holds fd_readdir, so "no right" and "not a directory" both describe it.
  { name: "readdir_on_file", kind: "refusal", attempt: "fd_readdir on a file", expect: ["notcapable", "notdir"] },
  {
    name: "write_on_read_only_fd",
    kind: "refusal",
    attempt: "open `file.txt` with fd_read only, fd_write on it",
    expect: ["notcapable", "badf"],
    prints: 'data: "inside-file"',
  },
  {
    name: "read_on_write_only_fd",
    kind: "refusal",
    attempt: "open `file.txt` with fd_write only, fd_read on it",
    expect: ["notcapable", "badf"],
  },
  // fd_read/fd_write asked for beyond the directory's inheriting rights make
  // path_open itself fail (other rights beyond them are silently dropped); the
  // file stays as it was.
  {
    name: "rights_escalation",
    kind: "refusal",
    attempt: "open `dir` inheriting fd_read only, open `nested.txt` from it asking fd_write, fd_write on it",
    expect: "notcapable",
    prints: 'data: "inside-nested"',
  },
  {
    name: "undefined_rights_bits",
    kind: "refusal",
    attempt: "open `file.txt` asking for all 64 rights bits (34 undefined)",
    expect: "inval",
  },
  {
    name: "prestat_name",
    kind: "inside",
    attempt: "fd_prestat_dir_name(3): the guest name, not the host path",
    expect: "success",
    prints: 'preopen: "/sandbox"',
  },
];

export function expectedErrnos(testCase: EscapeCase): readonly string[] {
  return typeof testCase.expect === "string" ? [testCase.expect] : testCase.expect;
}
