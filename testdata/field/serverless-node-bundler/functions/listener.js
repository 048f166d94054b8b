import { respond } from './respond'

export const handler = async (event) => respond(200, event)
