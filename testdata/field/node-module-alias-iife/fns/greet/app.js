require("./setup");

const { greeting } = require("@shared");

exports.handler = async (event) => ({ statusCode: 200, body: greeting(event.name) });

if (require.main === module) {
  (async () => {
    const out = await exports.handler({ name: process.argv[2] });
    console.log(out);
  })();
}
