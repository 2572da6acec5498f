{
  "targets": [
    {
      "target_name": "witx_wasi_native",
      "sources": ["beneath.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
