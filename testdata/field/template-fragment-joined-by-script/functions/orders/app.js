const shared = require('shared');

exports.handler = async (event) => shared.total(event.items || []);
