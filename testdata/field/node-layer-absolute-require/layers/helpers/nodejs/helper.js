const { part } = require("./parts/part");

exports.token = () => "t-" + part;
