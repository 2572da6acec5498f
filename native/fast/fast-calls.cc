/*
 * clock_time_get and random_get as V8 fast calls, which wasm makes without
 * entering JavaScript, as it does node:wasi's imports (why: the header of
 * src/impl/node/native-fast-calls.ts, which loads this).
 *
 * A fast callback serves its common case only: the realtime or monotonic
 * clock, a random request up to 256 bytes, a pointer inside the caller's
 * memory, that memory being the one the WASI object was started with.
 * Anything else sets `fallback`, and V8 calls the slow callback, which calls
 * the JavaScript glue: errno values, traps, the CPU-time clocks and calls
 * before start stay the glue's.
 *
 * Only where V8 passes wasm memory to fast calls this way (V8 11.3, Node 20);
 * elsewhere the module exports nothing and the glue serves every call.
 */
#include <node.h>
#include <openssl/rand.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <v8.h>

#if V8_MAJOR_VERSION == 11 && V8_MINOR_VERSION == 3
#define WITX_FAST_CALLS 1
#if __has_include(<v8-fast-api-calls.h>)
#include <v8-fast-api-calls.h>
#else
/*
 * Some distributions' Node headers (Debian's) leave out v8-fast-api-calls.h.
 * What follows declares the part of it used here, as V8 11.3 lays it out; the
 * layout was read from node 20's own fast calls (node_wasi.cc's, disassembled:
 * a CTypeInfo is 3 bytes, type first; CFunctionInfo is the return CTypeInfo,
 * the argument count at +4 and the argument array at +8; the options hold
 * `fallback` at +0 and `wasm_memory` at +16, a length then a data pointer).
 * The constructors are V8's own, exported by the node binary.
 */
namespace v8 {
class CTypeInfo {
 public:
  enum class Type : uint8_t { kUint32 = 4, kUint64 = 6, kV8Value = 10 };
  static constexpr Type kCallbackOptionsType = Type(255);
  explicit constexpr CTypeInfo(Type type) : type_(type), sequence_type_(0), flags_(0) {}

 private:
  Type type_;
  uint8_t sequence_type_;
  uint8_t flags_;
};

class V8_EXPORT CFunctionInfo {
 public:
  CFunctionInfo(const CTypeInfo& return_info, unsigned int arg_count, const CTypeInfo* arg_info);

 private:
  const CTypeInfo return_info_;
  const unsigned int arg_count_;
  const CTypeInfo* arg_info_;
};

class V8_EXPORT CFunction {
 public:
  CFunction(const void* address, const CFunctionInfo* type_info);

 private:
  const void* address_;
  const CFunctionInfo* type_info_;
};

template <typename T>
class FastApiTypedArray {
 public:
  size_t length() const { return length_; }
  bool getStorageIfAligned(T** elements) const {
    *elements = static_cast<T*>(data_);
    return true;
  }

 private:
  size_t length_;
  void* data_;
};

struct FastApiCallbackOptions {
  bool fallback;
  union {
    uintptr_t data_ptr;
    Local<Value> data;
  };
  FastApiTypedArray<uint8_t>* const wasm_memory;
};
}  // namespace v8
#endif
#endif

using v8::ArrayBuffer;
using v8::Context;
using v8::FunctionCallbackInfo;
using v8::Isolate;
using v8::Local;
using v8::Object;
using v8::Value;

#ifdef WITX_FAST_CALLS
using v8::CFunction;
using v8::CFunctionInfo;
using v8::CTypeInfo;
using v8::FastApiCallbackOptions;
using v8::Function;
using v8::FunctionTemplate;

/*
 * Each function made by makeImport is bound to its own 8-byte ArrayBuffer,
 * its receiver: the base address of the memory it may write, or 0 while the
 * WASI object has none (bindMemory sets it). A different memory (another
 * instance calling the same import) or a base V8 moved falls back to the glue.
 */
static uint8_t* BoundMemory(Local<Object> receiver) {
  uint64_t base;
  memcpy(&base, receiver.As<ArrayBuffer>()->Data(), sizeof base);
  return reinterpret_cast<uint8_t*>(static_cast<uintptr_t>(base));
}

static uint32_t FastClockTimeGet(Local<Object> receiver, uint32_t id, uint64_t /* precision */, uint32_t result,
                                 FastApiCallbackOptions& options) {
  uint8_t* memory = nullptr;
  clockid_t clock = id == 0 ? CLOCK_REALTIME : CLOCK_MONOTONIC;
  struct timespec now;
  if (id > 1 || (result & 7) != 0 || options.wasm_memory == nullptr ||
      !options.wasm_memory->getStorageIfAligned(&memory) || memory == nullptr || memory != BoundMemory(receiver) ||
      static_cast<uint64_t>(result) + 8 > options.wasm_memory->length() || clock_gettime(clock, &now) != 0) {
    options.fallback = true;
    return 0;
  }
  uint64_t nanoseconds = static_cast<uint64_t>(now.tv_sec) * 1000000000u + static_cast<uint64_t>(now.tv_nsec);
  memcpy(memory + result, &nanoseconds, sizeof nanoseconds);
  return 0;
}

/*
 * random_get of up to 256 bytes, from a pool of the thread; bytes handed out
 * are never handed out again. Larger requests are the glue's (in place,
 * through node:crypto). The pool is filled by OpenSSL's RAND_bytes, the
 * generator node:crypto's randomFillSync uses, which the node binary exports:
 * a fill from getrandom(2) cost 80 ns per 32-byte request, the kernel's
 * generator being slower than OpenSSL's.
 */
#define POOL_SIZE 65536
#define POOLED_LIMIT 256
static thread_local uint8_t pool[POOL_SIZE];
static thread_local size_t poolUsed = POOL_SIZE;

static bool FillPool() {
  if (RAND_bytes(pool, POOL_SIZE) != 1) return false;
  poolUsed = 0;
  return true;
}

static uint32_t FastRandomGet(Local<Object> receiver, uint32_t buffer, uint32_t length,
                              FastApiCallbackOptions& options) {
  uint8_t* memory = nullptr;
  if (length > POOLED_LIMIT || options.wasm_memory == nullptr || !options.wasm_memory->getStorageIfAligned(&memory) ||
      memory == nullptr || memory != BoundMemory(receiver) ||
      static_cast<uint64_t>(buffer) + length > options.wasm_memory->length() ||
      (poolUsed + length > POOL_SIZE && !FillPool())) {
    options.fallback = true;
    return 0;
  }
  memcpy(memory + buffer, pool + poolUsed, length);
  poolUsed += length;
  return 0;
}

/* Not a fast call (a caller in JavaScript, or a fallback): the glue answers, exceptions included. */
static void CallGlue(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  Local<Value> argv[3] = {info[0], info[1], info[2]};
  Local<Value> answer;
  if (info.Data()
          .As<Function>()
          ->Call(isolate->GetCurrentContext(), v8::Undefined(isolate), info.Length() < 3 ? info.Length() : 3, argv)
          .ToLocal(&answer)) {
    info.GetReturnValue().Set(answer);
  }
}

static const CTypeInfo u32Type(CTypeInfo::Type::kUint32);
static const CTypeInfo clockArguments[] = {
    CTypeInfo(CTypeInfo::Type::kV8Value), u32Type, CTypeInfo(CTypeInfo::Type::kUint64), u32Type,
    CTypeInfo(CTypeInfo::kCallbackOptionsType),
};
static const CTypeInfo randomArguments[] = {
    CTypeInfo(CTypeInfo::Type::kV8Value), u32Type, u32Type, CTypeInfo(CTypeInfo::kCallbackOptionsType),
};

/* (name, glue): the import `name` over its glue function, to be bound to its 8-byte ArrayBuffer; undefined for other names. */
static void MakeImport(const FunctionCallbackInfo<Value>& info) {
  static const CFunctionInfo clockSignature(u32Type, 5, clockArguments);
  static const CFunction clock(reinterpret_cast<const void*>(&FastClockTimeGet), &clockSignature);
  static const CFunctionInfo randomSignature(u32Type, 4, randomArguments);
  static const CFunction random(reinterpret_cast<const void*>(&FastRandomGet), &randomSignature);
  Isolate* isolate = info.GetIsolate();
  if (!info[0]->IsString() || !info[1]->IsFunction()) return;
  v8::String::Utf8Value name(isolate, info[0]);
  const CFunction* fast = strcmp(*name, "clock_time_get") == 0 ? &clock : strcmp(*name, "random_get") == 0 ? &random : nullptr;
  if (fast == nullptr) return;
  int arity = fast == &clock ? 3 : 2;
  Local<FunctionTemplate> made =
      FunctionTemplate::New(isolate, CallGlue, info[1], Local<v8::Signature>(), arity, v8::ConstructorBehavior::kThrow,
                            v8::SideEffectType::kHasSideEffect, fast);
  Local<Function> function;
  if (made->GetFunction(isolate->GetCurrentContext()).ToLocal(&function)) info.GetReturnValue().Set(function);
}

/* bindMemory(state, buffer | null): lets the functions bound to `state` write `buffer`'s memory, or none. */
static void BindMemory(const FunctionCallbackInfo<Value>& info) {
  if (!info[0]->IsArrayBuffer() || info[0].As<ArrayBuffer>()->ByteLength() < 8) return;
  uint64_t base = 0;
  if (info[1]->IsArrayBuffer()) base = reinterpret_cast<uintptr_t>(info[1].As<ArrayBuffer>()->Data());
  if (info[1]->IsSharedArrayBuffer()) base = reinterpret_cast<uintptr_t>(info[1].As<v8::SharedArrayBuffer>()->Data());
  memcpy(info[0].As<ArrayBuffer>()->Data(), &base, sizeof base);
}

static void Export(Local<Context> context, Local<Object> exports, const char* name, v8::FunctionCallback callback) {
  Isolate* isolate = context->GetIsolate();
  Local<Function> function = FunctionTemplate::New(isolate, callback)->GetFunction(context).ToLocalChecked();
  exports->Set(context, v8::String::NewFromUtf8(isolate, name).ToLocalChecked(), function).Check();
}
#endif

NODE_MODULE_INIT(/* exports, module, context */) {
#ifdef WITX_FAST_CALLS
  Export(context, exports, "makeImport", MakeImport);
  Export(context, exports, "bindMemory", BindMemory);
#else
  (void)context;
  (void)exports;
#endif
  (void)module;
}
