export const respond = (status, body) => ({ statusCode: status, body: JSON.stringify(body) })
