{
  "targets": [
    {
      "target_name": "witx_wasi_fast",
      "sources": ["fast-calls.cc", "../beneath.c"],
      "defines": ["BENEATH_CORE_ONLY"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "cflags_c": ["-Wno-unused-function"],
      "cflags_cc": ["-Wno-cast-function-type"]
    }
  ]
}
