/* Does nothing: what is timed is constructing the host, instantiating and starting. */
int main(void) {
    return 0;
}
