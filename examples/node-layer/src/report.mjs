import dayjs from 'dayjs';
import { format } from './lib/format';

export const handler = async (event) => format(dayjs(event.time));
