/*
 * clock_time_get, random_get and fd_read as V8 fast calls, which wasm makes
 * without entering JavaScript, as it does node:wasi's imports (why: the
 * header of src/impl/node/native-fast-calls.ts, which loads this). Each
 * serves its common case only, into the memory the WASI object was started
 * with; anything else sets `fallback`, and V8 calls the slow callback, which
 * calls the JavaScript glue. Only on V8 11.3 (Node 20), which passes wasm
 * memory to fast calls this way; elsewhere the module exports nothing.
 */
#include <node.h>
#include <openssl/rand.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
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
  enum class Type : uint8_t { kBool = 1, kInt32 = 3, kUint32 = 4, kUint64 = 6, kV8Value = 10, kSeqOneByteString = 11 };
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

struct FastOneByteString {
  const char* data;
  uint32_t length;
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
using v8::FastOneByteString;
using v8::Function;
using v8::FunctionTemplate;

/*
 * Every function made by makeImport is bound to a state, its receiver: an
 * ArrayBuffer the JavaScript side shares (src/impl/node/native-fast-calls.ts):
 *   [0, 8)   the base address of the memory it may write, 0 while the WASI
 *            object has none (bindMemory sets it); a different memory (another
 *            instance calling the same import) or a base V8 moved: the glue;
 *   [8, 12)  the most iovecs fd_read serves (the limit, at most 16);
 *   [16, 144) LENT_SLOTS slots of 16 bytes, the fds whose reads are lent to
 *            fd_read: the guest fd (-1 for a free slot), its host fd, and its
 *            position (a double: the JavaScript host keeps it as a number);
 *   [144, 272) a mark per guest fd below LENDABLE_FDS: 0 none; 1 fresh (opened,
 *            unused since: its first read here lends it); 2 + i lent in slot i;
 *   [272, 784) the host fd (int32) of each fresh guest fd.
 */
#define MAX_IOVECS 8
#define SLOTS 16
#define LENT_SLOTS 8
#define SLOT_BYTES 16
#define LENDABLE_FDS 128
#define MARKS (SLOTS + LENT_SLOTS * SLOT_BYTES)
#define FRESH_HOST_FDS (MARKS + LENDABLE_FDS)
#define STATE_BYTES (FRESH_HOST_FDS + 4 * LENDABLE_FDS)
#define IOVECS_SERVED 16

static uint8_t* State(Local<Object> receiver) {
  Local<ArrayBuffer> state = receiver.As<ArrayBuffer>();
  return state->ByteLength() >= STATE_BYTES ? static_cast<uint8_t*>(state->Data()) : nullptr;
}

static uint8_t* BoundMemory(const uint8_t* state) {
  uint64_t base;
  memcpy(&base, state, sizeof base);
  return reinterpret_cast<uint8_t*>(static_cast<uintptr_t>(base));
}

/* The caller's memory when it is the bound one (its length in *length), else null. */
static uint8_t* CallerMemory(const uint8_t* state, FastApiCallbackOptions& options, size_t* length) {
  uint8_t* memory = nullptr;
  if (state == nullptr || options.wasm_memory == nullptr || !options.wasm_memory->getStorageIfAligned(&memory) ||
      memory == nullptr || memory != BoundMemory(state)) {
    return nullptr;
  }
  *length = options.wasm_memory->length();
  return memory;
}

static uint32_t FastClockTimeGet(Local<Object> receiver, uint32_t id, uint64_t /* precision */, uint32_t result,
                                 FastApiCallbackOptions& options) {
  size_t length = 0;
  uint8_t* memory = CallerMemory(State(receiver), options, &length);
  struct timespec now;
  if (memory == nullptr || id > 1 || (result & 7) != 0 || static_cast<uint64_t>(result) + 8 > length ||
      clock_gettime(id == 0 ? CLOCK_REALTIME : CLOCK_MONOTONIC, &now) != 0) {
    options.fallback = true;
    return 0;
  }
  uint64_t nanoseconds = static_cast<uint64_t>(now.tv_sec) * 1000000000u + static_cast<uint64_t>(now.tv_nsec);
  memcpy(memory + result, &nanoseconds, sizeof nanoseconds);
  return 0;
}

/*
 * random_get of up to 256 bytes, from a pool of the thread, never handed out
 * twice. It is filled by OpenSSL's RAND_bytes (node:crypto's generator, which
 * node exports): filled by getrandom(2) a request cost 80 ns, not 26.
 */
#define POOL_SIZE 65536
#define POOLED_LIMIT 256
/* Allocated at a thread's first request, freed when it ends. */
struct RandomPool {
  uint8_t* bytes = nullptr;
  size_t used = POOL_SIZE;
  ~RandomPool() { free(bytes); }
};
static thread_local RandomPool pool;

static bool FillPool() {
  if (pool.bytes == nullptr && (pool.bytes = static_cast<uint8_t*>(malloc(POOL_SIZE))) == nullptr) return false;
  if (RAND_bytes(pool.bytes, POOL_SIZE) != 1) return false;
  pool.used = 0;
  return true;
}

static uint32_t FastRandomGet(Local<Object> receiver, uint32_t buffer, uint32_t length,
                              FastApiCallbackOptions& options) {
  size_t size = 0;
  uint8_t* memory = CallerMemory(State(receiver), options, &size);
  if (memory == nullptr || length > POOLED_LIMIT || static_cast<uint64_t>(buffer) + length > size ||
      (pool.used + length > POOL_SIZE && !FillPool())) {
    options.fallback = true;
    return 0;
  }
  memcpy(memory + buffer, pool.bytes + pool.used, length);
  pool.used += length;
  return 0;
}

/* The free slot the fresh `fd` is now lent in, at position 0; null if none is free (the glue reads). */
static uint8_t* LendFresh(uint8_t* state, uint32_t fd) {
  for (int i = 0; i < LENT_SLOTS; i++) {
    uint8_t* slot = state + SLOTS + i * SLOT_BYTES;
    int32_t lent;
    memcpy(&lent, slot, sizeof lent);
    if (lent >= 0) continue;
    int32_t guestFd = static_cast<int32_t>(fd), hostFd;
    double position = 0;
    memcpy(&hostFd, state + FRESH_HOST_FDS + 4 * fd, sizeof hostFd);
    memcpy(slot, &guestFd, sizeof guestFd);
    memcpy(slot + 4, &hostFd, sizeof hostFd);
    memcpy(slot + 8, &position, sizeof position);
    state[MARKS + fd] = static_cast<uint8_t>(2 + i);
    return slot;
  }
  return nullptr;
}

/*
 * fd_read of a descriptor the JavaScript host lent or marked fresh (a file it
 * reads with pread at its own position): preadv at the shared position, which
 * moves by what was read. Every error of preadv is the glue's: a failed preadv
 * changed nothing.
 */
static uint32_t FastFdRead(Local<Object> receiver, uint32_t fd, uint32_t iovs, uint32_t count, uint32_t result,
                           FastApiCallbackOptions& options) {
  uint8_t* state = State(receiver);
  size_t size = 0;
  uint8_t* memory = CallerMemory(state, options, &size);
  int32_t lent, hostFd;
  uint32_t maxIovecs;
  double position;
  if (memory == nullptr) {
    options.fallback = true;
    return 0;
  }
  uint8_t mark = fd < LENDABLE_FDS ? state[MARKS + fd] : 0;
  uint8_t* slot = mark == 1 ? LendFresh(state, fd) : mark >= 2 && mark < 2 + LENT_SLOTS ? state + SLOTS + (mark - 2) * SLOT_BYTES : nullptr;
  if (slot != nullptr) memcpy(&lent, slot, sizeof lent);
  if (slot == nullptr || lent < 0 || fd != static_cast<uint32_t>(lent)) {
    options.fallback = true;
    return 0;
  }
  memcpy(&hostFd, slot + 4, sizeof hostFd);
  memcpy(&position, slot + 8, sizeof position);
  memcpy(&maxIovecs, state + MAX_IOVECS, sizeof maxIovecs);
  if (count == 0 || count > maxIovecs || count > IOVECS_SERVED || (iovs & 3) != 0 ||
      static_cast<uint64_t>(iovs) + 8u * count > size || (result & 3) != 0 || static_cast<uint64_t>(result) + 4 > size ||
      !(position >= 0 && position < 9007199254740992.0)) {
    options.fallback = true;
    return 0;
  }
  struct iovec list[IOVECS_SERVED];
  uint64_t total = 0;
  for (uint32_t i = 0; i < count; i++) {
    uint32_t at, length;
    memcpy(&at, memory + iovs + 8 * i, sizeof at);
    memcpy(&length, memory + iovs + 8 * i + 4, sizeof length);
    if (static_cast<uint64_t>(at) + length > size) {
      options.fallback = true;
      return 0;
    }
    list[i].iov_base = memory + at;
    list[i].iov_len = length;
    total += length;
  }
  /* Linux reads at most this much per call, and the JavaScript host cuts lists to it. */
  if (total > 0x7ffff000u) {
    options.fallback = true;
    return 0;
  }
  ssize_t got = preadv(hostFd, list, static_cast<int>(count), static_cast<off_t>(position));
  if (got < 0) {
    options.fallback = true;
    return 0;
  }
  position += static_cast<double>(got);
  memcpy(slot + 8, &position, sizeof position);
  uint32_t read = static_cast<uint32_t>(got);
  memcpy(memory + result, &read, sizeof read);
  return 0;
}

/*
 * Not a fast call (a caller in JavaScript, or a fallback): the glue answers, exceptions
 * included. It is the function of the import's name (the data) in the `glue` object of
 * the state the function was bound to, its receiver.
 */
static void CallGlue(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  Local<Context> context = isolate->GetCurrentContext();
  Local<Value> imports, glue, answer;
  Local<v8::String> key = v8::String::NewFromUtf8Literal(isolate, "glue", v8::NewStringType::kInternalized);
  if (!info.This()->Get(context, key).ToLocal(&imports) || !imports->IsObject() ||
      !imports.As<Object>()->Get(context, info.Data()).ToLocal(&glue) || !glue->IsFunction()) {
    isolate->ThrowException(
        v8::Exception::TypeError(v8::String::NewFromUtf8Literal(isolate, "a native WASI import called without its glue")));
    return;
  }
  Local<Value> argv[4] = {info[0], info[1], info[2], info[3]};
  if (glue.As<Function>()->Call(context, v8::Undefined(isolate), info.Length() < 4 ? info.Length() : 4, argv).ToLocal(&answer)) {
    info.GetReturnValue().Set(answer);
  }
}

/*
 * The path addon's open, stat, unlink and mkdir as fast calls from JavaScript:
 * native/beneath.c's own functions (compiled in here with BENEATH_CORE_ONLY),
 * without the Node-API frame and the UTF-8 copy of the path, which took about
 * 110 ns of a 630 ns stat below a kept directory. V8 makes the fast call from
 * optimized code when the path is a flat one-byte string and every argument
 * is passed; anything else (code not optimized yet, a path with a character beyond Latin-1, a
 * BigInt64Array to stat into) reaches the slow callback, which calls the
 * addon's Node-API function of the same name, so both answer alike.
 */
extern "C" {
struct kept;
struct kept* beneath_kept(const void* data, size_t size);
int beneath_open(struct kept* kept, int dirfd, char* path, size_t length, int flags, unsigned mode);
int beneath_stat(struct kept* kept, int dirfd, char* path, size_t length, int follow, int64_t* out);
int beneath_unlink(struct kept* kept, int dirfd, char* path, size_t length, int directory);
int beneath_mkdir(struct kept* kept, int dirfd, char* path, size_t length);
}

/* beneath.c's PATH_BUFFER: a longer path is the Node-API function's (which leaves it to JavaScript). */
#define PATH_BUFFER 4096

/*
 * The path as beneath.c takes it: UTF-8, NUL-terminated, its length in *length; false for a
 * NUL or a path too long. A one-byte string holds Latin-1, which is one or two UTF-8 bytes a
 * character; a string with any other character is not one, and V8 calls the slow callback.
 */
static bool CopyPath(const FastOneByteString& path, char* out, size_t* length) {
  size_t used = 0;
  for (uint32_t i = 0; i < path.length; i++) {
    unsigned char byte = static_cast<unsigned char>(path.data[i]);
    if (byte == 0 || used + 2 >= PATH_BUFFER - 1) return false;
    if (byte < 0x80) {
      out[used++] = static_cast<char>(byte);
    } else {
      out[used++] = static_cast<char>(0xc0 | (byte >> 6));
      out[used++] = static_cast<char>(0x80 | (byte & 0x3f));
    }
  }
  out[used] = '\0';
  *length = used;
  return true;
}

/* What keptCreate made (an ArrayBuffer, which beneath.c reads), or none, as the Node-API functions read it. */
static struct kept* KeptOf(Local<Value> kept) {
  if (!kept->IsArrayBuffer()) return nullptr;
  return beneath_kept(kept.As<ArrayBuffer>()->Data(), kept.As<ArrayBuffer>()->ByteLength());
}

/* The path copied into `copy`, or the slow callback (`ready`: other checks passed). */
#define PATH_OR_FALLBACK(ready)                      \
  char copy[PATH_BUFFER];                            \
  size_t length;                                     \
  if (!(ready) || !CopyPath(path, copy, &length)) {  \
    options.fallback = true;                         \
    return 0;                                        \
  }

typedef Local<Object> Receiver;
typedef const FastOneByteString& Path;
typedef FastApiCallbackOptions& Options;

static int32_t FastOpen(Receiver, int32_t dirfd, Path path, int32_t flags, int32_t mode, Local<Value> kept, Options options) {
  PATH_OR_FALLBACK(true);
  return beneath_open(KeptOf(kept), dirfd, copy, length, flags, static_cast<unsigned>(mode));
}

static int32_t FastStat(Receiver, int32_t dirfd, Path path, bool follow, Local<Value> out, Local<Value> kept, Options options) {
  PATH_OR_FALLBACK(out->IsArrayBuffer() && out.As<ArrayBuffer>()->ByteLength() >= 64);
  return beneath_stat(KeptOf(kept), dirfd, copy, length, follow, static_cast<int64_t*>(out.As<ArrayBuffer>()->Data()));
}

static int32_t FastUnlink(Receiver, int32_t dirfd, Path path, bool directory, Local<Value> kept, Options options) {
  PATH_OR_FALLBACK(true);
  return beneath_unlink(KeptOf(kept), dirfd, copy, length, directory);
}

static int32_t FastMkdir(Receiver, int32_t dirfd, Path path, Local<Value> kept, Options options) {
  PATH_OR_FALLBACK(true);
  return beneath_mkdir(KeptOf(kept), dirfd, copy, length);
}

/* Not a fast call: the Node-API function (the data) answers, with the same receiver and arguments. */
static void CallNodeApi(const FunctionCallbackInfo<Value>& info) {
  Local<Value> argv[6];
  int argc = info.Length() < 6 ? info.Length() : 6;
  for (int i = 0; i < argc; i++) argv[i] = info[i];
  Local<Value> answer;
  if (info.Data().As<Function>()->Call(info.GetIsolate()->GetCurrentContext(), info.This(), argc, argv).ToLocal(&answer)) {
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
static const CTypeInfo readArguments[] = {
    CTypeInfo(CTypeInfo::Type::kV8Value), u32Type, u32Type, u32Type, u32Type, CTypeInfo(CTypeInfo::kCallbackOptionsType),
};
static const CFunctionInfo clockSignature(u32Type, 5, clockArguments);
static const CFunctionInfo randomSignature(u32Type, 4, randomArguments);
static const CFunctionInfo readSignature(u32Type, 6, readArguments);
static const CTypeInfo i32Type(CTypeInfo::Type::kInt32);
static const CTypeInfo valueType(CTypeInfo::Type::kV8Value);
static const CTypeInfo pathType(CTypeInfo::Type::kSeqOneByteString);
static const CTypeInfo boolType(CTypeInfo::Type::kBool);
static const CTypeInfo optionsType(CTypeInfo::kCallbackOptionsType);
static const CTypeInfo openArguments[] = {valueType, i32Type, pathType, i32Type, i32Type, valueType, optionsType};
static const CTypeInfo statArguments[] = {valueType, i32Type, pathType, boolType, valueType, valueType, optionsType};
static const CTypeInfo unlinkArguments[] = {valueType, i32Type, pathType, boolType, valueType, optionsType};
static const CTypeInfo mkdirArguments[] = {valueType, i32Type, pathType, valueType, optionsType};
static const CFunctionInfo openSignature(i32Type, 7, openArguments);
static const CFunctionInfo statSignature(i32Type, 7, statArguments);
static const CFunctionInfo unlinkSignature(i32Type, 6, unlinkArguments);
static const CFunctionInfo mkdirSignature(i32Type, 5, mkdirArguments);
/* The arguments JavaScript passes: all but the receiver and the options. */
template <size_t count>
constexpr int ArityOf(const CTypeInfo (&)[count]) {
  return static_cast<int>(count) - 2;
}

/*
 * The import `name`, made once per context and shared: each WASI object binds it to its
 * own state (src/impl/node/native-fast-calls.ts), so making one costs a bind.
 */
static void ExportImport(Local<Context> context, Local<Object> exports, const char* name, const CFunction* fast,
                         int arity) {
  Isolate* isolate = context->GetIsolate();
  Local<v8::String> key = v8::String::NewFromUtf8(isolate, name, v8::NewStringType::kInternalized).ToLocalChecked();
  Local<FunctionTemplate> made =
      FunctionTemplate::New(isolate, CallGlue, key, Local<v8::Signature>(), arity, v8::ConstructorBehavior::kThrow,
                            v8::SideEffectType::kHasSideEffect, fast);
  exports->Set(context, key, made->GetFunction(context).ToLocalChecked()).Check();
}

/* bindMemory(state, buffer | null): lets the functions bound to `state` write `buffer`'s memory, or none. */
static void BindMemory(const FunctionCallbackInfo<Value>& info) {
  if (!info[0]->IsArrayBuffer() || info[0].As<ArrayBuffer>()->ByteLength() < STATE_BYTES) return;
  uint64_t base = 0;
  if (info[1]->IsArrayBuffer()) base = reinterpret_cast<uintptr_t>(info[1].As<ArrayBuffer>()->Data());
  else if (info[1]->IsSharedArrayBuffer()) base = reinterpret_cast<uintptr_t>(info[1].As<v8::SharedArrayBuffer>()->Data());
  memcpy(info[0].As<ArrayBuffer>()->Data(), &base, sizeof base);
}

/* realtime(): CLOCK_REALTIME in ns, a BigInt: the host's wall clock when this is loaded, so it agrees with the guest's. */
static void Realtime(const FunctionCallbackInfo<Value>& info) {
  struct timespec now;
  if (clock_gettime(CLOCK_REALTIME, &now) != 0) return;
  uint64_t nanoseconds = static_cast<uint64_t>(now.tv_sec) * 1000000000u + static_cast<uint64_t>(now.tv_nsec);
  info.GetReturnValue().Set(v8::BigInt::NewFromUnsigned(info.GetIsolate(), nanoseconds));
}

/*
 * pathCalls(addon): open, stat, unlink and mkdir of the path addon's exports
 * `addon` as fast calls, each falling back to the function it replaces.
 */
static void PathCalls(const FunctionCallbackInfo<Value>& info) {
  static const CFunction open(reinterpret_cast<const void*>(&FastOpen), &openSignature);
  static const CFunction stat(reinterpret_cast<const void*>(&FastStat), &statSignature);
  static const CFunction unlink(reinterpret_cast<const void*>(&FastUnlink), &unlinkSignature);
  static const CFunction mkdir(reinterpret_cast<const void*>(&FastMkdir), &mkdirSignature);
  static const struct {
    const char* name;
    const CFunction* fast;
    int arity;
  } calls[] = {{"open", &open, ArityOf(openArguments)},
               {"stat", &stat, ArityOf(statArguments)},
               {"unlink", &unlink, ArityOf(unlinkArguments)},
               {"mkdir", &mkdir, ArityOf(mkdirArguments)}};
  Isolate* isolate = info.GetIsolate();
  Local<Context> context = isolate->GetCurrentContext();
  if (!info[0]->IsObject()) return;
  Local<Object> made = Object::New(isolate);
  for (const auto& call : calls) {
    Local<v8::String> key = v8::String::NewFromUtf8(isolate, call.name, v8::NewStringType::kInternalized).ToLocalChecked();
    Local<Value> slow;
    if (!info[0].As<Object>()->Get(context, key).ToLocal(&slow) || !slow->IsFunction()) return;
    Local<FunctionTemplate> fast = FunctionTemplate::New(isolate, CallNodeApi, slow, Local<v8::Signature>(), call.arity,
                                                         v8::ConstructorBehavior::kThrow, v8::SideEffectType::kHasSideEffect,
                                                         call.fast);
    made->Set(context, key, fast->GetFunction(context).ToLocalChecked()).Check();
  }
  info.GetReturnValue().Set(made);
}

static void Export(Local<Context> context, Local<Object> exports, const char* name, v8::FunctionCallback callback) {
  Isolate* isolate = context->GetIsolate();
  Local<Function> function = FunctionTemplate::New(isolate, callback)->GetFunction(context).ToLocalChecked();
  exports->Set(context, v8::String::NewFromUtf8(isolate, name).ToLocalChecked(), function).Check();
}
#endif

NODE_MODULE_INIT(/* exports, module, context */) {
#ifdef WITX_FAST_CALLS
  static const CFunction clock(reinterpret_cast<const void*>(&FastClockTimeGet), &clockSignature);
  static const CFunction random(reinterpret_cast<const void*>(&FastRandomGet), &randomSignature);
  static const CFunction read(reinterpret_cast<const void*>(&FastFdRead), &readSignature);
  ExportImport(context, exports, "clock_time_get", &clock, 3);
  ExportImport(context, exports, "random_get", &random, 2);
  ExportImport(context, exports, "fd_read", &read, 4);
  Export(context, exports, "bindMemory", BindMemory);
  Export(context, exports, "realtime", Realtime);
  Export(context, exports, "pathCalls", PathCalls);
#else
  (void)context;
  (void)exports;
#endif
  (void)module;
}
