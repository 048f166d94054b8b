exports.parse = (body) => JSON.parse(body || '{}');
