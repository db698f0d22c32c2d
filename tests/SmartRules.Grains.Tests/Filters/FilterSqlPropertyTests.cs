using FsCheck;
using FsCheck.Fluent;
using Xunit.Abstractions;

namespace SmartRules.Grains.Tests.Filters;

/// <summary>
/// One filter language: conditions are decided in C# (<c>Condition.Matches</c>) and translated to SQL
/// (<c>CustomerFilterSql</c>) for lists, counts and backfill candidates. This property stores generated customers in
/// PostgreSQL through the production write path and requires the production queries to select exactly the customers
/// the domain accepts. See docs/filters.md.
/// </summary>
public sealed class FilterSqlPropertyTests(CustomerTableFixture table, ITestOutputHelper output) : IClassFixture<CustomerTableFixture>
{
    private const int Runs = 150;

    [Fact]
    public void The_SQL_selects_exactly_the_customers_the_domain_accepts()
    {
        var agreement = new FilterAgreement(table);
        var coverage = new FilterCoverage();
        var property = Prop.ForAll(FilterGenerators.Scenarios, scenario =>
        {
            // Off xunit's synchronisation context: FsCheck runs properties synchronously.
            var comparison = Task.Run(() => agreement.CompareAsync(scenario, coverage)).GetAwaiter().GetResult();
            if (comparison.Disagreements.Count > 0) Assert.Fail(string.Join(Environment.NewLine, comparison.Disagreements));
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Runs), property);

        output.WriteLine(coverage.ToString());
        Assert.Empty(coverage.Incomplete());
    }
}
