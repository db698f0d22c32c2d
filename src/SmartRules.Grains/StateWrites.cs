namespace SmartRules.Grains;

internal static class StateWrites
{
    /// <summary>
    /// Writes the grain's state; if that fails, the state in memory may no longer match the database (the write may
    /// even have committed before its reply was lost), so the grain deactivates and its next call starts again from
    /// what is stored. The exception still reaches the caller: nothing was acknowledged.
    /// </summary>
    public static async Task WriteOrDeactivateAsync<T>(this IPersistentState<T> state, IGrainBase grain)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            grain.DeactivateOnIdle();
            throw;
        }
    }
}
