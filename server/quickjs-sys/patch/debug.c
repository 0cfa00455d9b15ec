/*
 * dols debugger hook for QuickJS (quickjs-ng 0.16.2 as shipped in rquickjs-sys 0.14.0).
 *
 * Written for dols. The build script inserts this block into the engine's quickjs.c, right
 * before the interpreter (JS_CallInternal), and adds a check at the dispatch of every opcode:
 * when the runtime has hooks (rt->dbg_hooks != NULL) the check looks the pc up in a per-function
 * table of stop points and calls back into the embedder there. Without hooks the cost is that
 * one null test.
 *
 * Stop points are the pcs at which the function's line table (pc2line) moves to another line.
 * The table is built lazily per function, and again whenever the embedder's breakpoint epoch
 * changes; the embedder says for each (file, line) whether it holds a breakpoint, or that a
 * file has no stop points at all (internal code).
 */

typedef struct JSDebugHooks {
    /* Called at a stop point that holds a breakpoint, or at any stop point while *stepping is
       not zero. Returns 0 to go on, -1 to throw the exception pending in the context. */
    int (*on_stop)(JSContext *ctx, void *opaque, int at_breakpoint);
    /* line == 0: returns < 0 when `file` has no stop points at all. Otherwise returns 1 when a
       breakpoint is set on (file, line), else 0. */
    int (*line_flags)(void *opaque, const char *file, int line);
    /* Called while *stepping is not zero when a bytecode frame leaves the stack: finished is 0
       when an async function or generator only suspends (await, yield). */
    void (*on_frame_exit)(JSContext *ctx, void *opaque, uintptr_t frame, int finished);
    /* Read with relaxed atomic loads, so another thread may change them at any time. */
    const uint32_t *stepping;
    const uint32_t *epoch;
    void *opaque;
} JSDebugHooks;

#if defined(__GNUC__) || defined(__clang__)
#define JS_DBG_LOAD(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#else
#define JS_DBG_LOAD(p) (*(const volatile uint32_t *)(p))
#endif

#define JS_DBG_MARK_STOP  1
#define JS_DBG_MARK_BREAK 2

void JS_SetDebugHooks(JSRuntime *rt, const JSDebugHooks *hooks)
{
    rt->dbg_hooks = hooks;
    rt->dbg_in_hook = false;
    rt->dbg_stop_sf = NULL;
}

/* Builds b->dbg_marks for the given epoch. */
static int js_dbg_build_marks(JSContext *ctx, JSFunctionBytecode *b, uint32_t epoch)
{
    JSRuntime *rt = ctx->rt;
    const JSDebugHooks *h = rt->dbg_hooks;
    const uint8_t *p, *p_end;
    const char *file;
    uint32_t val;
    int32_t v;
    int ret, pc, line, prev_line, flags;
    unsigned int op;

    if (!b->dbg_marks) {
        b->dbg_marks = js_mallocz_rt(rt, max_int(b->byte_code_len, 1));
        if (!b->dbg_marks)
            return -1;
    } else {
        memset(b->dbg_marks, 0, b->byte_code_len);
    }
    b->dbg_epoch = epoch;
    if (!b->pc2line_buf || b->filename == JS_ATOM_NULL)
        return 0;
    file = JS_AtomToCString(ctx, b->filename);
    if (!file) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        return 0;
    }
    if (h->line_flags(h->opaque, file, 0) < 0)
        goto done;
    /* same decoding as find_line_num() */
    p = b->pc2line_buf;
    p_end = p + b->pc2line_len;
    pc = 0;
    line = b->line_num;
    prev_line = -1;
    while (p < p_end) {
        op = *p++;
        if (op == 0) {
            ret = get_leb128(&val, p, p_end);
            if (ret < 0)
                break;
            pc += val;
            p += ret;
            ret = get_sleb128(&v, p, p_end);
            if (ret < 0)
                break;
            p += ret;
            line += v;
        } else {
            op -= PC2LINE_OP_FIRST;
            pc += (op / PC2LINE_RANGE);
            line += (op % PC2LINE_RANGE) + PC2LINE_BASE;
        }
        ret = get_sleb128(&v, p, p_end); /* column: not needed here */
        if (ret < 0)
            break;
        p += ret;
        if (line != prev_line && pc >= 0 && pc < b->byte_code_len) {
            flags = JS_DBG_MARK_STOP;
            if (h->line_flags(h->opaque, file, line) > 0)
                flags |= JS_DBG_MARK_BREAK;
            b->dbg_marks[pc] |= flags;
            prev_line = line;
        }
    }
 done:
    JS_FreeCString(ctx, file);
    return 0;
}

static no_inline int js_dbg_check(JSContext *ctx, JSStackFrame *sf,
                                  JSFunctionBytecode *b, const uint8_t *pc)
{
    JSRuntime *rt = ctx->rt;
    const JSDebugHooks *h = rt->dbg_hooks;
    uint32_t epoch;
    uint8_t m;
    int ret;

    if (rt->dbg_in_hook)
        return 0;
    epoch = JS_DBG_LOAD(h->epoch);
    if (unlikely(b->dbg_epoch != epoch || !b->dbg_marks)) {
        if (js_dbg_build_marks(ctx, b, epoch) < 0)
            return 0;
    }
    m = b->dbg_marks[pc - b->byte_code_buf];
    if (likely(m == 0))
        return 0;
    if (!(m & JS_DBG_MARK_BREAK) && !JS_DBG_LOAD(h->stepping))
        return 0;
    sf->cur_pc = (uint8_t *)pc;
    rt->dbg_in_hook = true;
    rt->dbg_stop_sf = sf;
    ret = h->on_stop(ctx, h->opaque, (m & JS_DBG_MARK_BREAK) != 0);
    rt->dbg_stop_sf = NULL;
    rt->dbg_in_hook = false;
    return ret;
}

static no_inline void js_dbg_frame_exit(JSContext *ctx, JSStackFrame *sf,
                                        JSFunctionBytecode *b, int finished)
{
    JSRuntime *rt = ctx->rt;
    const JSDebugHooks *h = rt->dbg_hooks;
    if (rt->dbg_in_hook || !JS_DBG_LOAD(h->stepping))
        return;
    h->on_frame_exit(ctx, h->opaque, (uintptr_t)sf, finished);
}

#define JS_DBG_CHECK(pc)                                               \
    if (unlikely(rt->dbg_hooks != NULL)) {                             \
        if (js_dbg_check(ctx, sf, b, pc) < 0)                          \
            goto exception;                                            \
    }

static JSStackFrame *js_dbg_frame(JSContext *ctx, int level)
{
    JSStackFrame *sf = ctx->rt->current_stack_frame;
    while (sf && level-- > 0)
        sf = sf->prev_frame;
    return sf;
}

static JSFunctionBytecode *js_dbg_frame_bytecode(JSStackFrame *sf)
{
    JSObject *p;
    if (JS_VALUE_GET_TAG(sf->cur_func) != JS_TAG_OBJECT)
        return NULL;
    p = JS_VALUE_GET_OBJ(sf->cur_func);
    if (!js_class_has_bytecode(p->class_id))
        return NULL;
    return p->u.func.function_bytecode;
}

/* Number of frames on the stack (native ones included). */
int JS_DebugFrameCount(JSContext *ctx)
{
    int n = 0;
    JSStackFrame *sf;
    for (sf = ctx->rt->current_stack_frame; sf; sf = sf->prev_frame)
        n++;
    return n;
}

/* An identity of the frame at `level` (0 = innermost), 0 when there is none. It stays the same
   while the frame lives, across the suspensions of an async function or generator. */
uintptr_t JS_DebugFrameId(JSContext *ctx, int level)
{
    return (uintptr_t)js_dbg_frame(ctx, level);
}

/* { name, file, line, column, native, async } of the frame at `level`, or undefined. */
JSValue JS_DebugFrameInfo(JSContext *ctx, int level)
{
    JSRuntime *rt = ctx->rt;
    JSStackFrame *sf = js_dbg_frame(ctx, level);
    JSFunctionBytecode *b;
    JSValue obj;
    const char *name;
    int line = 0, col = 0;
    uint32_t pc;

    if (!sf)
        return JS_UNDEFINED;
    obj = JS_NewObject(ctx);
    if (JS_IsException(obj))
        return obj;
    b = js_dbg_frame_bytecode(sf);
    if (b) {
        /* the 'name' property as stack traces read it (methods have no name in their
           bytecode), else the bytecode's */
        name = get_func_name(ctx, sf->cur_func);
        if (name && name[0])
            JS_SetPropertyStr(ctx, obj, "name", JS_NewString(ctx, name));
        else
            JS_SetPropertyStr(ctx, obj, "name", JS_AtomToString(ctx, b->func_name));
        JS_FreeCString(ctx, name);
        JS_SetPropertyStr(ctx, obj, "file",
                          b->filename ? JS_AtomToString(ctx, b->filename) : JS_UNDEFINED);
        if (sf->cur_pc) {
            pc = sf->cur_pc - b->byte_code_buf;
            /* the stopped frame's cur_pc is the instruction about to run; a caller's is the one
               after its call */
            if (sf != rt->dbg_stop_sf && pc > 0)
                pc--;
            line = find_line_num(ctx, b, pc, &col);
        } else {
            line = b->line_num;
            col = b->col_num;
        }
        JS_SetPropertyStr(ctx, obj, "line", js_int32(line));
        JS_SetPropertyStr(ctx, obj, "column", js_int32(col));
        JS_SetPropertyStr(ctx, obj, "native", JS_FALSE);
        JS_SetPropertyStr(ctx, obj, "async", js_bool(b->func_kind != JS_FUNC_NORMAL));
    } else {
        name = get_func_name(ctx, sf->cur_func);
        JS_SetPropertyStr(ctx, obj, "name", JS_NewString(ctx, name ? name : ""));
        JS_FreeCString(ctx, name);
        JS_SetPropertyStr(ctx, obj, "native", JS_TRUE);
    }
    return obj;
}

/* kind: 0 argument, 1 function-level variable, 2 block-scoped variable, 3 closure variable.
   Each entry is [name, kind] for a variable in its temporal dead zone, else [name, kind, value]. */
static int js_dbg_push_var(JSContext *ctx, JSValue arr, uint32_t *n, JSAtom name, int kind,
                           JSValueConst val)
{
    JSValue e = JS_NewArray(ctx);
    if (JS_IsException(e))
        return -1;
    JS_SetPropertyUint32(ctx, e, 0, JS_AtomToString(ctx, name));
    JS_SetPropertyUint32(ctx, e, 1, js_int32(kind));
    if (JS_VALUE_GET_TAG(val) != JS_TAG_UNINITIALIZED)
        JS_SetPropertyUint32(ctx, e, 2, js_dup(val));
    return JS_SetPropertyUint32(ctx, arr, (*n)++, e);
}

/* The arguments and local variables (closure = 0) or the closure variables (closure = 1) of the
   frame at `level`, as an array of entries (see js_dbg_push_var); undefined when there is no
   such frame or it is native. */
JSValue JS_DebugFrameVariables(JSContext *ctx, int level, int closure)
{
    JSStackFrame *sf = js_dbg_frame(ctx, level);
    JSFunctionBytecode *b;
    JSObject *p;
    JSValue arr;
    uint32_t n = 0;
    int i;

    if (!sf || !(b = js_dbg_frame_bytecode(sf)))
        return JS_UNDEFINED;
    arr = JS_NewArray(ctx);
    if (JS_IsException(arr))
        return arr;
    if (!closure) {
        if (b->vardefs) {
            for (i = 0; i < b->arg_count; i++) {
                JSValueConst v = i < sf->arg_count ? sf->arg_buf[i] : JS_UNDEFINED;
                if (js_dbg_push_var(ctx, arr, &n, b->vardefs[i].var_name, 0, v) < 0)
                    goto fail;
            }
            for (i = 0; i < b->var_count; i++) {
                JSVarDef *vd = &b->vardefs[b->arg_count + i];
                if (js_dbg_push_var(ctx, arr, &n, vd->var_name, vd->scope_level > 0 ? 2 : 1,
                                    sf->var_buf[i]) < 0)
                    goto fail;
            }
        }
    } else {
        p = JS_VALUE_GET_OBJ(sf->cur_func);
        for (i = 0; i < b->closure_var_count; i++) {
            JSVarRef *vr = p->u.func.var_refs ? p->u.func.var_refs[i] : NULL;
            if (!vr || !vr->pvalue)
                continue;
            if (js_dbg_push_var(ctx, arr, &n, b->closure_var[i].var_name, 3, *vr->pvalue) < 0)
                goto fail;
        }
    }
    return arr;
 fail:
    JS_FreeValue(ctx, arr);
    return JS_EXCEPTION;
}

/* Evaluates `src` (NUL-terminated, len bytes) as a direct eval in the frame at `level`: it sees
   the frame's arguments, variables and closure variables. The lexical scope is approximated by
   the innermost block-scoped variable that has been initialised (the bytecode keeps no map from
   pc to scope). Variables the function does not capture are seen as copies, so assigning to
   them does not change the frame. */
JSValue JS_DebugEvalInFrame(JSContext *ctx, int level, const char *src, size_t len)
{
    JSRuntime *rt = ctx->rt;
    JSStackFrame *sf = js_dbg_frame(ctx, level), *saved;
    JSFunctionBytecode *b;
    JSValue ret;
    int i, scope_idx = -1;

    if (!sf)
        return JS_ThrowRangeError(ctx, "no frame at level %d", level);
    b = js_dbg_frame_bytecode(sf);
    if (!b)
        return JS_ThrowTypeError(ctx, "cannot evaluate in a native frame");
    for (i = b->var_count - 1; i >= 0; i--) {
        if (b->vardefs[b->arg_count + i].scope_level > 0 &&
            JS_VALUE_GET_TAG(sf->var_buf[i]) != JS_TAG_UNINITIALIZED) {
            scope_idx = i;
            break;
        }
    }
    saved = rt->current_stack_frame;
    rt->current_stack_frame = sf;
    ret = JS_EvalInternal(ctx, JS_UNDEFINED, src, len, "<debugger>", 1,
                          JS_EVAL_TYPE_DIRECT, scope_idx);
    rt->current_stack_frame = saved;
    return ret;
}
