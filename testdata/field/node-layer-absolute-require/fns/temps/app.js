const math = require(process.env.AWS ? "/opt/nodejs/common" : "../../layers/shared/nodejs/common");

exports.handler = async () => math.add(40, 60);
