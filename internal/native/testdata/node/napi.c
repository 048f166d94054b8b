/* A Node-API addon, written in C without node_api.h: it exports
 * napi_register_module_v1 and calls napi_create_int32 and napi_set_named_property
 * (exports.answer = 42). Every Node.js with Node-API loads it, whatever its
 * NODE_MODULE_VERSION. */
typedef struct napi_env__ *napi_env;
typedef struct napi_value__ *napi_value;
typedef int napi_status;

extern napi_status napi_create_int32(napi_env env, int value, napi_value *result);
extern napi_status napi_set_named_property(napi_env env, napi_value object, const char *name, napi_value value);

napi_value napi_register_module_v1(napi_env env, napi_value exports) {
	napi_value v;
	if (napi_create_int32(env, 42, &v) == 0)
		napi_set_named_property(env, exports, "answer", v);
	return exports;
}
