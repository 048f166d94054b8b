const aliases = require("module-alias");

aliases.addAlias("@shared", () => (process.env.ON_LAMBDA ? "/opt/nodejs" : "../../layers/common/nodejs"));
