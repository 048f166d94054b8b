const x = require('left-pad'); exports.handler = async () => x;
