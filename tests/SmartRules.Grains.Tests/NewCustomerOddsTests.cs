using SmartRules.Grains.Customers;

namespace SmartRules.Grains.Tests;

public sealed class NewCustomerOddsTests
{
    [Theory]
    [InlineData(new FirstLoad[0], false)] // nothing seen yet: read first, as before
    [InlineData(new[] { FirstLoad.ReadNew }, true)]
    [InlineData(new[] { FirstLoad.ReadStored }, false)]
    [InlineData(new[] { FirstLoad.ReadNew, FirstLoad.ReadStored }, false)] // even: read first
    [InlineData(new[] { FirstLoad.ReadNew, FirstLoad.CreatedWithoutRead, FirstLoad.CreationFoundRow }, true)]
    [InlineData(new[] { FirstLoad.ReadNew, FirstLoad.CreationFoundRow }, false)] // a wrong guess counts against
    [InlineData(new[] { FirstLoad.ReadStored, FirstLoad.ReadStored, FirstLoad.ReadNew, FirstLoad.ReadNew, FirstLoad.ReadNew }, true)]
    public void Creations_are_favoured_while_new_customers_prevail(FirstLoad[] seen, bool favoured)
    {
        var odds = new NewCustomerOdds();
        foreach (var how in seen) odds.Observe("t1", how);

        Assert.Equal(favoured, odds.FavourCreation("t1"));
        Assert.False(odds.FavourCreation("t2"));
        foreach (var how in Enum.GetValues<FirstLoad>()) Assert.Equal(seen.Count(s => s == how), odds.Count("t1", how));
    }

    [Fact]
    public void The_score_is_bounded_so_that_a_long_import_turns_back_within_a_bounded_number_of_stored_customers()
    {
        var odds = new NewCustomerOdds();
        for (var i = 0; i < 100_000; i++) odds.Observe("t1", FirstLoad.CreatedWithoutRead);

        for (var i = 0; i < NewCustomerOdds.Limit - 1; i++) odds.Observe("t1", FirstLoad.CreationFoundRow);
        Assert.True(odds.FavourCreation("t1"));
        odds.Observe("t1", FirstLoad.CreationFoundRow);
        Assert.False(odds.FavourCreation("t1"));
        Assert.Equal(100_000, odds.Count("t1", FirstLoad.CreatedWithoutRead));
    }

    [Fact]
    public void Concurrent_observations_are_all_counted_and_the_score_stays_within_its_bounds()
    {
        var odds = new NewCustomerOdds();
        var kinds = Enum.GetValues<FirstLoad>();
        Parallel.For(0, 40_000, i => odds.Observe("t1", kinds[i % kinds.Length]));

        foreach (var how in kinds) Assert.Equal(10_000, odds.Count("t1", how));
        // However they interleaved, the score stayed within [-Limit, Limit]: Limit + 1 more of one kind decide the odds.
        for (var i = 0; i <= NewCustomerOdds.Limit; i++) odds.Observe("t1", FirstLoad.ReadNew);
        Assert.True(odds.FavourCreation("t1"));
        for (var i = 0; i < 2 * NewCustomerOdds.Limit; i++) odds.Observe("t1", FirstLoad.ReadStored);
        Assert.False(odds.FavourCreation("t1"));
    }
}
