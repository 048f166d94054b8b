exports.main = async (event, context, callback) => {
  return { statusCode: 200, body: JSON.stringify({ ok: true }) };
};
