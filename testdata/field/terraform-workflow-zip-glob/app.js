const { parse } = require('./parser');

exports.lambdaHandler = async (event) => ({ statusCode: 200, body: JSON.stringify(parse(event.body)) });
