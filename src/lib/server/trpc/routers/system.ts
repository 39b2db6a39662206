import { publicProcedure, router } from '../init';
import { noInput } from '../procedures';
import { health } from '../../health';

export const systemRouter = router({
	health: publicProcedure.input(noInput).query(() => health())
});
