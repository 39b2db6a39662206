import { publicProcedure, router } from '../init';
import { health } from '../../health';

export const systemRouter = router({
	health: publicProcedure.query(() => health())
});
