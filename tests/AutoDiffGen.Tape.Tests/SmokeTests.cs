namespace AutoDiffGen.Tape.Tests;

public class SmokeTests
{
    [Fact]
    public void StopGradient_returns_its_argument() => Assert.Equal(2.5, AutoDiff.StopGradient(2.5));
}
