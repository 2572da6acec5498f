{
  "targets": [
    {
      "target_name": "witx_wasi_fast",
      "sources": ["fast-calls.cc"],
      "cflags_cc": ["-O2", "-Wall", "-Wextra", "-Wno-cast-function-type"]
    }
  ]
}
