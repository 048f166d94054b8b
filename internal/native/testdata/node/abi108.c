/* A Node.js addon as NODE_MODULE_INIT (node.h) builds it for NODE_MODULE_VERSION 108
 * (Node.js 18), written in C without node.h: it exports node_register_module_v108
 * and registers a node_module struct with nm_version 108 from a static constructor.
 * Node.js 20 (115) refuses it with "was compiled against a different Node.js version
 * using NODE_MODULE_VERSION 108". */
struct node_module {
	int nm_version;
	unsigned int nm_flags;
	void *nm_dso_handle;
	const char *nm_filename;
	void *nm_register_func;
	void (*nm_context_register_func)(void *exports, void *module, void *context, void *priv);
	const char *nm_modname;
	void *nm_priv;
	struct node_module *nm_link;
};

extern void node_module_register(void *mod);

void node_register_module_v108(void *exports, void *module, void *context) {}

static void init(void *exports, void *module, void *context, void *priv) {}

static struct node_module mod = {108, 0, 0, "abi108.c", 0, init, "abi108", 0, 0};

static void __attribute__((constructor)) reg(void) { node_module_register(&mod); }
