exports.handler = async () => "plain";
