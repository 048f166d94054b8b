"use strict";
const helper = require("/opt/nodejs/helper.js");

module.exports.handler = async () => ({ body: helper.token() });
